import {expect} from 'chai'
import {copyFile, mkdir, readdir} from 'node:fs/promises'
import path from 'node:path'

import {runChild} from './support/child-run.js'
import {fullDisk, makeImmutable} from './support/file-system-traps.js'
import {CONFIRMED, expectNoSecrets, expectRefusal, matrixServer, type MatrixServer, watching} from './support/matrix-run.js'
import {diskState} from './support/disk-state.js'

/** The key test passes on a server whose machine key is still there: these cases get as far as writing files. */
const PAST_THE_KEY_TEST = [...CONFIRMED, '--skipCurrentMasterKeyTest']

/** Files the command cannot write: every case ends with the database and the config exactly as they were. */
describe('bad-input matrix: files that cannot be written', () => {
  let target: MatrixServer

  beforeEach(async () => {
    target = await matrixServer({seed: 25, keepMachineKey: true})
  })

  afterEach(() => target.server.dispose())

  it('a read-only config folder (exit 7), saying the folder must be writable', async () => {
    const undo = makeImmutable(path.dirname(target.server.seeded.configPath))
    try {
      await expectRefusal(target, PAST_THE_KEY_TEST, {exit: 7, says: ['Could not write the config file', 'The config file is unchanged', 'is writable']})
    } finally {
      undo()
    }
  })

  it('a full disk under the config file (exit 7), leaving no temporary file', async () => {
    const folder = path.join(target.server.root, 'full')
    const config = path.join(folder, 'OctopusServer.config')
    const undo = await fullDisk(folder, () => copyFile(target.server.seeded.configPath, config))
    try {
      await expectRefusal(watching(target, {folders: [folder], files: [config]}), [...PAST_THE_KEY_TEST, '--config', config], {
        exit: 7,
        says: ['Could not write the config file', 'ENOSPC', 'disk is not full'],
      })
    } finally {
      undo()
    }
  })

  it('a --masterKeyFile that cannot be created: refused before the config is written (exit 7), nothing changed', async () => {
    const keyFile = path.join(target.server.root, 'no-such-folder', 'key.txt')
    await expectRefusal(target, [...PAST_THE_KEY_TEST, '--masterKeyFile', keyFile], {exit: 7, says: [keyFile, 'cannot be written', 'Nothing was changed']})
  })

  it('a --reportFile that cannot be created: refused or rolled back (exit 7 or 8), never a crash with a changed config', async () => {
    const reportFile = path.join(target.server.root, 'no-such-folder', 're-enter.csv')
    const before = await diskState(target.watched)
    // A child process: if the command crashes, it must not take the test runner with it.
    const run = await runChild([...PAST_THE_KEY_TEST, '--reportFile', reportFile], target.env)
    const after = await diskState(target.watched)
    expect(after.database, 'database unchanged').to.equal(before.database)
    expect(after.files, 'config unchanged, no copy or temporary file left').to.equal(before.files)
    expect([7, 8], `exit code; output: ${run.stderr}`).to.include(run.exitCode)
    expect(run.message).to.include(reportFile)
    expectNoSecrets([{name: 'stdout', text: run.stdout}, {name: 'stderr', text: run.stderr}], target.secrets)
  })
})

describe('bad-input matrix: a lost key and a folder that cannot be written', () => {
  let target: MatrixServer

  beforeEach(async () => {
    target = await matrixServer({seed: 26})
  })

  afterEach(() => target.server.dispose())

  it('a machine key folder that cannot be written (exit 7), naming OCTOPUS_MACHINE_KEY_FILE', async () => {
    const keyFolder = path.join(target.server.root, 'keys')
    await mkdir(keyFolder)
    const keyFile = path.join(keyFolder, 'machinekey')
    const undo = makeImmutable(keyFolder)
    try {
      await expectRefusal(watching(target, {folders: [keyFolder], files: [keyFile]}), CONFIRMED, {
        exit: 7,
        says: [`Could not create the machine key ${keyFile}`, 'OCTOPUS_MACHINE_KEY_FILE'],
      }, {OCTOPUS_MACHINE_KEY_FILE: keyFile})
    } finally {
      undo()
    }
  })

  it('a read-only config folder leaves no new machine key behind (exit 7)', async () => {
    const undo = makeImmutable(path.dirname(target.server.seeded.configPath))
    try {
      await expectRefusal(target, CONFIRMED, {exit: 7, says: ['Could not write the config file']})
    } finally {
      undo()
    }
    expect(await readdir(target.server.root)).to.not.include(path.basename(target.server.seeded.machineKeyPath))
  })
})
