import {expect} from 'chai'
import fs from 'node:fs/promises'
import path from 'node:path'

import {prepareFile, temporaryPathBeside} from '../../../src/files/atomic-file.js'
import {nodeFileOps} from '../../../src/files/file-ops.js'
import {identifyFile, sameFile} from '../../../src/files/file-identity.js'
import {makeTempFolder, rejectionOf} from '../instance/support/temp-folder.js'

describe('temporary files and file identity', () => {
  let folder: {path: string; cleanup(): Promise<void>}

  beforeEach(async () => {
    folder = await makeTempFolder()
  })

  afterEach(() => folder.cleanup())

  it('names a temporary file randomly, in the folder of its target', () => {
    const target = path.join(folder.path, 'key.txt')
    const names = new Set(Array.from({length: 50}, () => temporaryPathBeside(target)))
    expect(names.size).to.equal(50)
    for (const name of names) expect(path.dirname(name)).to.equal(folder.path)
  })

  it('never creates a file through a symbolic link, even a dangling one', async () => {
    const victim = path.join(folder.path, 'victim')
    const planted = path.join(folder.path, 'planted')
    await fs.symlink(victim, planted)
    const error = await rejectionOf(nodeFileOps.createExclusive(planted, 0o600))
    expect((error as NodeJS.ErrnoException).code).to.equal('EEXIST')
    await fs.writeFile(victim, 'kept')
    expect(await rejectionOf(nodeFileOps.createExclusive(planted, 0o600))).to.have.property('code', 'EEXIST')
    expect(await fs.readFile(victim, 'utf8')).to.equal('kept')
  })

  it('publishes a prepared file over a symbolic link by replacing the link, not writing through it', async () => {
    const victim = path.join(folder.path, 'victim')
    const target = path.join(folder.path, 'key.txt')
    await fs.writeFile(victim, 'kept')
    const prepared = await prepareFile(target, Buffer.from('new'), {mode: 0o600, ops: nodeFileOps})
    await fs.symlink(victim, target)
    await prepared.publish()
    expect((await fs.lstat(target)).isFile()).to.equal(true)
    expect(await fs.readFile(target, 'utf8')).to.equal('new')
    expect(await fs.readFile(victim, 'utf8')).to.equal('kept')
    expect((await fs.stat(target)).mode & 0o777).to.equal(0o600)
  })

  it('tells the same file by path, through a link or as a hard link; a new file by its folder', async () => {
    const file = path.join(folder.path, 'a.config')
    await fs.writeFile(file, 'x')
    await fs.symlink(folder.path, path.join(folder.path, 'linked'))
    await fs.link(file, path.join(folder.path, 'hard'))
    const original = await identifyFile(file)
    expect(sameFile(original, await identifyFile(path.join(folder.path, '.', 'a.config')))).to.equal('same path')
    const throughLink = await identifyFile(path.join(folder.path, 'linked', 'a.config'))
    expect(sameFile(original, throughLink)).to.equal('symbolic link')
    expect(sameFile(original, await identifyFile(path.join(folder.path, 'hard')))).to.equal('hard link')
    expect(sameFile(original, await identifyFile(path.join(folder.path, 'other')))).to.equal(undefined)
    const missing = await identifyFile(path.join(folder.path, 'linked', 'new.txt'))
    expect(sameFile(missing, await identifyFile(path.join(folder.path, 'new.txt')))).to.equal('symbolic link')
    await fs.symlink(path.join(folder.path, 'new.txt'), path.join(folder.path, 'dangling'))
    const dangling = await identifyFile(path.join(folder.path, 'dangling'))
    expect(dangling.isSymbolicLink).to.equal(true)
    expect(sameFile(dangling, missing)).to.equal('symbolic link')
  })
})
