import {expect} from 'chai'
import {copyFile, link, lstat, mkdir, readdir, readFile, symlink, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {runChild} from './support/child-run.js'
import {fullDisk, makeImmutable} from './support/file-system-traps.js'
import {pgDump} from './support/pg-dump-archive.js'
import {
  BACKED_UP,
  CONFIRMED,
  expectNoSecrets,
  expectRefusal,
  matrixServer,
  type MatrixServer,
  RESET,
  watching,
} from './support/matrix-run.js'
import {runLostMasterKey} from '../../support/run-command.js'
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
      await expectRefusal(target, PAST_THE_KEY_TEST, {
        exit: 7,
        says: ['Could not write the config file', 'The config file is unchanged', 'is writable'],
      })
    } finally {
      undo()
    }
  })

  it('a full disk under the config file (exit 7), leaving no temporary file', async () => {
    const folder = path.join(target.server.root, 'full')
    const config = path.join(folder, 'OctopusServer.config')
    const undo = await fullDisk(folder, () => copyFile(target.server.seeded.configPath, config))
    try {
      await expectRefusal(
        watching(target, {folders: [folder], files: [config]}),
        [...PAST_THE_KEY_TEST, '--config', config],
        {
          exit: 7,
          says: ['Could not write the config file', 'ENOSPC', 'disk is not full'],
        },
      )
    } finally {
      undo()
    }
  })

  it(
    'a --masterKeyFile that cannot be created: refused before the config is written (exit 7), nothing ' + 'changed',
    async () => {
      const keyFile = path.join(target.server.root, 'no-such-folder', 'key.txt')
      await expectRefusal(target, [...PAST_THE_KEY_TEST, '--masterKeyFile', keyFile], {
        exit: 7,
        says: [keyFile, 'cannot be written', 'Nothing was changed'],
      })
    },
  )

  it(
    'a --reportFile that cannot be created: refused or rolled back (exit 7 or 8), never a crash with a changed ' +
      'config',
    async () => {
      const reportFile = path.join(target.server.root, 'no-such-folder', 're-enter.csv')
      const before = await diskState(target.watched)
      // A child process: if the command crashes, it must not take the test runner with it.
      const run = await runChild([...PAST_THE_KEY_TEST, '--reportFile', reportFile], target.env)
      const after = await diskState(target.watched)
      expect(after.database, 'database unchanged').to.equal(before.database)
      expect(after.files, 'config unchanged, no copy or temporary file left').to.equal(before.files)
      expect([7, 8], `exit code; output: ${run.stderr}`).to.include(run.exitCode)
      expect(run.message).to.include(reportFile)
      expectNoSecrets(
        [
          {name: 'stdout', text: run.stdout},
          {name: 'stderr', text: run.stderr},
        ],
        target.secrets,
      )
    },
  )
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
      await expectRefusal(
        watching(target, {folders: [keyFolder], files: [keyFile]}),
        CONFIRMED,
        {
          exit: 7,
          says: [`Could not create the machine key ${keyFile}`, 'OCTOPUS_MACHINE_KEY_FILE'],
        },
        {OCTOPUS_MACHINE_KEY_FILE: keyFile},
      )
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

/**
 * Output files that would overwrite what the server needs (docs/recovery.md, "What is written when"): each is
 * refused with exit 2 before anything is written, whether named directly, through a symbolic link or as a hard
 * link, and the message names both files' roles.
 */
describe('bad-input matrix: output files that name a file the server needs', () => {
  let target: MatrixServer
  let configPath: string
  let root: string

  beforeEach(async () => {
    target = await matrixServer({seed: 27})
    configPath = target.server.seeded.configPath
    root = target.server.root
    // The outputs go to the root: a refusal leaves no temporary file there either.
    target = watching(target, {folders: [root]})
  })

  afterEach(() => target.server.dispose())

  const refused = (args: string[], says: string[]) =>
    expectRefusal(target, [...CONFIRMED, ...args], {
      exit: 2,
      says: [...says, 'Nothing was changed', 'a path of its own'],
    })

  it('--reportFile naming the config file', async () => {
    await refused(['--reportFile', configPath], [`The --reportFile ${configPath} is the config file ${configPath}:`])
  })

  it('--masterKeyFile naming the config file through a linked folder', async () => {
    const linkedFolder = path.join(root, 'linked')
    await symlink(path.dirname(configPath), linkedFolder)
    const keyFile = path.join(linkedFolder, path.basename(configPath))
    await refused(
      ['--masterKeyFile', keyFile],
      [`The --masterKeyFile ${keyFile} is the config file ${configPath} (through a symbolic link)`],
    )
  })

  it('--reportFile that is a hard link to the config file', async () => {
    const reportFile = path.join(root, 're-enter.csv')
    await link(configPath, reportFile)
    target = watching(target, {files: [reportFile]})
    await refused(
      ['--reportFile', reportFile],
      [`The --reportFile ${reportFile} is the config file ${configPath} (a hard link to it)`],
    )
  })

  it('--masterKeyFile naming the machine key file (which this run would create)', async () => {
    const {machineKeyPath} = target.server.seeded
    await refused(
      ['--masterKeyFile', machineKeyPath],
      [`is the machine key file (OCTOPUS_MACHINE_KEY_FILE) ${machineKeyPath}`],
    )
  })

  it('--reportFile naming the machine id file', async () => {
    const {machineIdPath} = target.server.seeded
    await refused(
      ['--reportFile', machineIdPath],
      [`is the machine id file (OCTOPUS_MACHINE_ID_FILE) ${machineIdPath}`],
    )
  })

  it('--reportFile naming the backup archive given as evidence', async () => {
    const archive = path.join(root, 'octopus.dump')
    pgDump(target.server.database.url, archive)
    target = watching(target, {files: [archive]})
    await expectRefusal(target, [RESET, BACKED_UP, '--backupFile', archive, '--reportFile', archive], {
      exit: 2,
      says: [`The --reportFile ${archive} is the backup archive (--backupFile) ${archive}:`, 'Nothing was changed'],
    })
  })

  it('--reportFile naming the config file, refused before the backup evidence is looked for', async () => {
    await expectRefusal(target, [RESET, BACKED_UP, '--reportFile', configPath], {
      exit: 2,
      says: [`The --reportFile ${configPath} is the config file ${configPath}:`],
    })
  })

  it('--reportFile and --masterKeyFile naming the same file', async () => {
    const file = path.join(root, 'out.txt')
    await refused(
      ['--masterKeyFile', file, '--reportFile', file],
      [`The --reportFile ${file} is the --masterKeyFile ${file}:`],
    )
  })

  it('--masterKeyFile that is a symbolic link, even to a new file', async () => {
    const keyFile = path.join(root, 'key.txt')
    await symlink(path.join(root, 'elsewhere.txt'), keyFile)
    await expectRefusal(target, [...CONFIRMED, '--masterKeyFile', keyFile], {
      exit: 2,
      says: [
        `The --masterKeyFile ${keyFile} is a symbolic link`,
        'does not write through links',
        'Nothing was changed',
      ],
    })
  })

  it('--reportFile that is a symbolic link to an unrelated file, in a dry run too', async () => {
    const victim = path.join(root, 'notes.txt')
    await writeFile(victim, 'unrelated\n')
    const reportFile = path.join(root, 're-enter.csv')
    await symlink(victim, reportFile)
    target = watching(target, {files: [victim]})
    await expectRefusal(target, ['--dry-run', '--reportFile', reportFile], {
      exit: 2,
      says: [`The --reportFile ${reportFile} is a symbolic link`],
    })
  })
})

/**
 * Temporary files get random names and are created exclusively: a link planted where one used to go redirects
 * nothing.
 */
describe('bad-input matrix: links planted beside the output files', () => {
  let target: MatrixServer

  beforeEach(async () => {
    target = await matrixServer({seed: 28})
  })

  afterEach(() => target.server.dispose())

  it('links at the old predictable temporary names redirect nothing; the outputs are regular files', async () => {
    const {root} = target.server
    const keyFile = path.join(root, 'key.txt')
    const reportFile = path.join(root, 're-enter.csv')
    const victims = [path.join(root, 'victim-key.txt'), path.join(root, 'victim-report.txt')]
    for (const victim of victims) await writeFile(victim, 'must stay\n')
    // The names the key and report files were staged under before: `<target>.partial-<pid>` (this process runs
    // the command).
    await symlink(victims[0], `${keyFile}.partial-${process.pid}`)
    await symlink(victims[1], `${reportFile}.partial-${process.pid}`)
    const args = [...CONFIRMED, '--masterKeyFile', keyFile, '--reportFile', reportFile]
    const run = await runLostMasterKey(args, target.env)
    expect(run.exitCode, run.message).to.equal(0)
    for (const victim of victims) expect(await readFile(victim, 'utf8'), victim).to.equal('must stay\n')
    for (const output of [keyFile, reportFile]) {
      expect((await lstat(output)).isFile(), `${output} is a regular file`).to.equal(true)
    }
    expect(await readFile(reportFile, 'utf8')).to.match(/^table,document_id,/)
    const left = (await readdir(root)).filter((name) => name.endsWith('.tmp'))
    expect(left, 'no temporary file left').to.deep.equal([])
  })
})
