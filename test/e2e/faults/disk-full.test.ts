import {expect} from 'chai'
import {copyFile, rm, stat, truncate} from 'node:fs/promises'
import path from 'node:path'

import {fullDisk} from '../matrix/support/file-system-traps.js'
import {runLostMasterKey} from '../../support/run-command.js'
import {expectConverges, expectNothingChanged, snapshot} from './support/consistency.js'
import {createFaultServer, type FaultServer, runArgs, withConfigAt} from './support/fault-server.js'

/** Mounting a tmpfs needs root; elsewhere these tests are skipped, and their titles say why. */
const ROOT_ONLY = '(root only: mounts a tmpfs)'
/** tmpfs allocates whole pages. */
const PAGE = 4096

/**
 * A full disk where the command writes (docs/recovery.md, "What is written, and when"): a 256 KiB tmpfs filled to
 * the last byte holds the config, or the re-entry list. The write fails with ENOSPC; the run gets its exit code,
 * the database and the config stay as they were with no partial file left, and once space is freed the same
 * command finishes the job. Mounting needs root.
 */
describe('faults: the disk is full', () => {
  let target: FaultServer | undefined
  let unmount: (() => void) | undefined

  afterEach(async () => {
    unmount?.()
    unmount = undefined
    await target?.server.dispose()
  })

  it(`under the config: exit 7 before the database changes; converges once freed ${ROOT_ONLY}`, async function () {
    if (process.getuid?.() !== 0) this.skip()
    target = await createFaultServer({seed: 90})
    const folder = path.join(target.server.root, 'full-disk')
    const config = path.join(folder, path.basename(target.configPath))
    const seededConfig = target.configPath
    unmount = await fullDisk(folder, () => copyFile(seededConfig, config))
    target = withConfigAt(target, config)
    const before = await snapshot(target)
    const run = await runLostMasterKey(runArgs(target), target.server.env)
    expect(run.exitCode, run.message).to.equal(7)
    expect(run.message).to.include('Could not write the config file').and.include('ENOSPC')
    await expectNothingChanged(target, before)
    await rm(path.join(folder, 'filler'))
    await expectConverges(target, 'reset')
  })

  it(`under the re-entry list, no room: exit 7 before anything changes; converges ${ROOT_ONLY}`, async function () {
    if (process.getuid?.() !== 0) this.skip()
    target = await createFaultServer({seed: 91})
    const folder = path.join(target.server.root, 'full-disk')
    unmount = await fullDisk(folder, async () => {})
    target = {...target, reportFile: path.join(folder, 're-enter.csv')}
    const before = await snapshot(target)
    const run = await runLostMasterKey(runArgs(target), target.server.env)
    expect(run.exitCode, run.message).to.equal(7)
    expect(run.message).to.include(`The --reportFile ${target.reportFile} cannot be written`).and.include('ENOSPC')
    expect(run.message).to.include('Nothing was changed')
    await expectNothingChanged(target, before)
    await rm(path.join(folder, 'filler'))
    await expectConverges(target, 'reset')
  })

  it(`under the re-entry list, room for a few lines: rolled back (exit 8); converges ${ROOT_ONLY}`, async function () {
    if (process.getuid?.() !== 0) this.skip()
    target = await createFaultServer({seed: 92})
    const folder = path.join(target.server.root, 'full-disk')
    const filler = path.join(folder, 'filler')
    unmount = await fullDisk(folder, async () => {})
    // One page free: the list's header fits, its rows (tens of kilobytes) do not, so the disk fills mid-reset.
    await truncate(filler, (await stat(filler)).size - PAGE)
    target = {...target, reportFile: path.join(folder, 're-enter.csv')}
    const before = await snapshot(target)
    const run = await runLostMasterKey(runArgs(target), target.server.env)
    expect(run.exitCode, run.message).to.equal(8)
    expect(run.message).to.include(`Writing the --reportFile ${target.reportFile} failed`).and.include('ENOSPC')
    expect(run.message).to.include('The database transaction was rolled back and the previous config file was put back')
    await expectNothingChanged(target, before)
    await rm(filler)
    await expectConverges(target, 'reset')
  })
})
