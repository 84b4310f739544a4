import {expect} from 'chai'
import {copyFile, readFile, rm} from 'node:fs/promises'
import path from 'node:path'

import {fullDisk, makeImmutable} from '../matrix/support/file-system-traps.js'
import {ROTATION, RESTORE} from './support/commands-under-fault.js'
import {expectNothingChanged, expectNoTemporaries, snapshot} from './support/consistency.js'
import {type FaultServer, withConfigAt} from './support/fault-server.js'

/** Making a folder immutable and mounting a tmpfs need root; elsewhere these tests are skipped, and say why. */
const ROOT_ONLY = '(root only: chattr +i, tmpfs)'

/**
 * The files the rotation writes (docs/recovery.md, "Rotating a key that works": the new key is sealed into the config
 * and written to its own file inside the transaction, before COMMIT) cannot be written: the config's folder is
 * read-only, or the disk under the config or under the key file is full. The rotation rolls back and exits 7 (a file
 * cannot be written) with a message that names the file, says nothing was changed and what to check; the database,
 * the config and the folders are as they were, and once the file can be written the same command finishes the job.
 * The restore writes no file at all: under the same faults it simply does its job and leaves the config as it was.
 */
describe('faults: the files the rotation and the restore would write cannot be written', () => {
  let target: FaultServer | undefined
  let undo: (() => void) | undefined

  afterEach(async () => {
    undo?.()
    undo = undefined
    await target?.server.dispose()
  })

  it(`rotation, config folder read-only: exit 7, nothing changed; converges ${ROOT_ONLY}`, async function () {
    if (process.getuid?.() !== 0) this.skip()
    target = await ROTATION.create({seed: 180})
    const before = await snapshot(target)
    undo = makeImmutable(path.dirname(target.configPath))
    const run = await ROTATION.run(target)
    undo()
    undo = undefined
    expect(run.exitCode, run.message).to.equal(7)
    expect(run.message).to.include(`Could not write the config file ${target.configPath}`)
    expect(run.message).to.include('The config file is unchanged').and.include('is writable and its disk is not full')
    await expectNothingChanged(target, before)
    await ROTATION.expectConverges(target)
  })

  it(`rotation, full disk under the config: exit 7, nothing changed; converges ${ROOT_ONLY}`, async function () {
    if (process.getuid?.() !== 0) this.skip()
    target = await ROTATION.create({seed: 181})
    const folder = path.join(target.server.root, 'full-disk')
    const config = path.join(folder, path.basename(target.configPath))
    const seededConfig = target.configPath
    undo = await fullDisk(folder, () => copyFile(seededConfig, config))
    target = withConfigAt(target, config)
    const before = await snapshot(target)
    const run = await ROTATION.run(target)
    expect(run.exitCode, run.message).to.equal(7)
    expect(run.message).to.include(`Could not write the config file ${config}`).and.include('ENOSPC')
    expect(run.message).to.include('The config file is unchanged')
    await expectNothingChanged(target, before)
    await rm(path.join(folder, 'filler'))
    await ROTATION.expectConverges(target)
  })

  it(`rotation, full disk under the key file: exit 7, nothing changed; converges ${ROOT_ONLY}`, async function () {
    if (process.getuid?.() !== 0) this.skip()
    target = await ROTATION.create({seed: 182})
    const folder = path.join(target.server.root, 'full-disk')
    undo = await fullDisk(folder, async () => {})
    target = {...target, keyFile: path.join(folder, 'new-master-key.txt')}
    const before = await snapshot(target)
    const run = await ROTATION.run(target)
    expect(run.exitCode, run.message).to.equal(7)
    expect(run.message).to.include(`The --masterKeyFile ${target.keyFile} cannot be written`).and.include('ENOSPC')
    expect(run.message).to.include('Nothing was changed')
    await expectNothingChanged(target, before)
    await rm(path.join(folder, 'filler'))
    await ROTATION.expectConverges(target)
  })

  it(`restore, config folder read-only and its disk full: restores, config untouched ${ROOT_ONLY}`, async function () {
    if (process.getuid?.() !== 0) this.skip()
    target = await RESTORE.create({seed: 183})
    const folder = path.join(target.server.root, 'full-disk')
    const config = path.join(folder, path.basename(target.configPath))
    const seededConfig = target.configPath
    const unmount = await fullDisk(folder, () => copyFile(seededConfig, config))
    const writable = makeImmutable(folder)
    undo = () => {
      writable()
      unmount()
    }
    target = withConfigAt(target, config)
    const configBefore = await readFile(config)
    await RESTORE.expectConverges(target)
    expect((await readFile(config)).equals(configBefore), 'the config is byte for byte as it was').to.equal(true)
    await expectNoTemporaries(target)
  })
})
