import {expect} from 'chai'
import {mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {temporaryPathBeside} from '../../../src/files/atomic-file.js'
import {isTemporaryFileOf, removeStaleTemporaryFiles} from '../../../src/instance/stale-temporary-files.js'

describe('stale temporary files', () => {
  let folder: string
  beforeEach(async () => (folder = await mkdtemp(path.join(tmpdir(), 'stale-tmp-'))))
  afterEach(() => rm(folder, {recursive: true, force: true}))

  it('recognises the names the atomic writes give, and no others', () => {
    const target = '/x/OctopusServer.config'
    expect(isTemporaryFileOf(target, path.basename(temporaryPathBeside(target)))).to.equal(true)
    for (const command of ['lost-master-key', 'rotate-master-key', 'set-master-key']) {
      const copy = `${target}.before-${command}-2026-01-02T03-04-05-678Z-1`
      expect(isTemporaryFileOf(target, path.basename(temporaryPathBeside(copy))), command).to.equal(true)
    }
    for (const name of [
      'OctopusServer.config',
      '.OctopusServer.config.tmp',
      '.OctopusServer.config.0123456789abcdef01234567.tmp.bak',
      '.OctopusServer.config.0123456789abcdef0123456.tmp',
      '.OctopusServer.configx.0123456789abcdef01234567.tmp',
      '.OctopusServer.config.notes.0123456789abcdef01234567.tmp',
      'OctopusServer.config.before-lost-master-key-2026-01-02T03-04-05-678Z',
    ]) {
      expect(isTemporaryFileOf(target, name), name).to.equal(false)
    }
  })

  it('removes only regular files of that naming older than the run, beside each target', async () => {
    const report = path.join(folder, 're-enter.csv')
    const old = new Date(Date.now() - 60_000)
    const stale = path.basename(temporaryPathBeside(report))
    const fresh = path.basename(temporaryPathBeside(report))
    const linked = path.basename(temporaryPathBeside(report))
    await writeFile(path.join(folder, stale), 'left by a killed run')
    await utimes(path.join(folder, stale), old, old)
    await writeFile(path.join(folder, fresh), 'written by a run after this one started')
    await mkdir(path.join(folder, 'elsewhere'))
    await symlink(path.join(folder, 'elsewhere'), path.join(folder, linked))
    await writeFile(path.join(folder, 'unrelated.tmp'), '')
    await utimes(path.join(folder, 'unrelated.tmp'), old, old)

    const removed = await removeStaleTemporaryFiles(
      [report, path.join(folder, 'missing', 'key.txt')],
      new Date(Date.now() - 1000),
    )
    expect(removed).to.deep.equal([path.join(folder, stale)])
    expect((await readdir(folder)).sort()).to.deep.equal(['elsewhere', fresh, linked, 'unrelated.tmp'].sort())
  })
})
