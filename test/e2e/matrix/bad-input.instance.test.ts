import {expect} from 'chai'
import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {withSetting} from '../../../src/instance/config-file.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {runLostMasterKey} from '../../support/run-command.js'
import {runChild} from './support/child-run.js'
import {
  CONFIRMED,
  expectNoSecrets,
  expectRefusal,
  matrixServer,
  type MatrixServer,
  watching,
} from './support/matrix-run.js'

/** The unprivileged account the unreadable-file cases run as: root reads any file whatever its mode. */
const NOBODY = 65_534

/** Finding the instance and reading its config: every failure is exit 7, names the file, and says what to do. */
describe('bad-input matrix: instance registry and config file', () => {
  let target: MatrixServer
  let caseNumber = 0
  let caseDir: string
  let nobodyHome: string

  before(async () => {
    target = await matrixServer({seed: 22})
    // Lets the unprivileged cases reach their own files; the seeded config and machine key stay 0600.
    await chmod(target.server.root, 0o755)
    nobodyHome = path.join(target.server.root, 'nobody-home')
    await mkdir(nobodyHome)
    await chmod(nobodyHome, 0o777)
  })

  beforeEach(async () => {
    caseDir = path.join(target.server.root, `case-${++caseNumber}`)
    await mkdir(caseDir, {mode: 0o755})
  })

  after(() => target.server.dispose())

  /** A registry folder of this case holding `files` (name → content), watched from now on. */
  async function registry(files: Record<string, string>): Promise<{dir: string; target: MatrixServer}> {
    const dir = path.join(caseDir, 'instances')
    await mkdir(dir)
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content)
    return {dir, target: watching(target, {folders: [dir]})}
  }

  const entry = (name: string, configPath = target.server.seeded.configPath) =>
    JSON.stringify({Name: name, ConfigurationFilePath: configPath})

  /** A config file of this case, watched from now on. */
  async function config(bytes: string | Buffer, mode = 0o600): Promise<{file: string; target: MatrixServer}> {
    const file = path.join(caseDir, 'OctopusServer.config')
    await writeFile(file, bytes, {mode})
    await chmod(file, mode)
    return {file, target: watching(target, {folders: [caseDir], files: [file]})}
  }

  const seededConfig = () => readFile(target.server.seeded.configPath, 'utf8')

  it('an empty registry and no flag (exit 7), saying to pass --config', async () => {
    const {dir, target: t} = await registry({})
    await expectRefusal(
      t,
      CONFIRMED,
      {exit: 7, says: [`No Octopus Server instance is registered in ${dir}`, '--config PATH']},
      {OCTOPUS_SERVER_INSTANCES_DIR: dir},
    )
  })

  it('a registry folder that does not exist (exit 7), saying where to register', async () => {
    const dir = path.join(caseDir, 'missing')
    await expectRefusal(
      watching(target, {folders: [caseDir]}),
      CONFIRMED,
      {exit: 7, says: [dir, 'OCTOPUS_SERVER_INSTANCES_DIR']},
      {OCTOPUS_SERVER_INSTANCES_DIR: dir},
    )
  })

  it('a registry "folder" that is a file (exit 7)', async () => {
    const file = path.join(caseDir, 'instances')
    await writeFile(file, 'not a folder')
    await expectRefusal(
      watching(target, {folders: [caseDir]}),
      CONFIRMED,
      {exit: 7, says: [`${file} is not a folder`, '--config PATH']},
      {
        OCTOPUS_SERVER_INSTANCES_DIR: file,
      },
    )
  })

  it('a registry file that is not JSON (exit 7), naming the file and its expected shape', async () => {
    const {dir, target: t} = await registry({'octopusserver.config': '{"Name": "OctopusServer", '})
    await expectRefusal(
      t,
      CONFIRMED,
      {exit: 7, says: [path.join(dir, 'octopusserver.config'), 'is not valid JSON', '"ConfigurationFilePath"']},
      {
        OCTOPUS_SERVER_INSTANCES_DIR: dir,
      },
    )
  })

  it('a registry file without ConfigurationFilePath (exit 7)', async () => {
    const {dir, target: t} = await registry({'octopusserver.config': JSON.stringify({Name: 'OctopusServer'})})
    await expectRefusal(
      t,
      CONFIRMED,
      {exit: 7, says: ['has no "ConfigurationFilePath"']},
      {OCTOPUS_SERVER_INSTANCES_DIR: dir},
    )
  })

  it('a registry entry that is a folder, so cannot be read (exit 7)', async () => {
    const {dir, target: t} = await registry({})
    await mkdir(path.join(dir, 'octopusserver.config'))
    await expectRefusal(
      t,
      CONFIRMED,
      {exit: 7, says: ['octopusserver.config cannot be read', 'EISDIR']},
      {OCTOPUS_SERVER_INSTANCES_DIR: dir},
    )
  })

  it('a registry file this user may not read (exit 7), run as an unprivileged user', async () => {
    const {dir, target: t} = await registry({'octopusserver.config': entry('OctopusServer')})
    await chmod(dir, 0o755)
    await chmod(path.join(dir, 'octopusserver.config'), 0o600)
    await expectRefusal(
      t,
      CONFIRMED,
      {exit: 7, says: ['octopusserver.config cannot be read', 'EACCES']},
      {OCTOPUS_SERVER_INSTANCES_DIR: dir, HOME: nobodyHome},
      (args, env) => runChild(args, env, {uid: NOBODY, gid: NOBODY}),
    )
  })

  it('an unknown instance in an empty registry (exit 7), saying none is registered', async () => {
    const {dir, target: t} = await registry({})
    await expectRefusal(
      t,
      [...CONFIRMED, '--instance', 'Production'],
      {exit: 7, says: ['"Production"', 'No instance is registered there']},
      {
        OCTOPUS_SERVER_INSTANCES_DIR: dir,
      },
    )
  })

  it('two instances differing only by case and no exact match (exit 7), listing both', async () => {
    const {dir, target: t} = await registry({'prod-a.config': entry('Prod'), 'prod-b.config': entry('PROD')})
    await expectRefusal(
      t,
      [...CONFIRMED, '--instance', 'prod'],
      {exit: 7, says: ['"Prod" (prod-a.config)', '"PROD" (prod-b.config)', 'exact name']},
      {
        OCTOPUS_SERVER_INSTANCES_DIR: dir,
      },
    )
  })

  it('two instances differing only by case with an exact match: that one is used', async () => {
    const decoy = path.join(caseDir, 'decoy.config')
    await writeFile(decoy, '<octopus-settings/>', {mode: 0o600})
    const {dir, target: t} = await registry({'prod-a.config': entry('Prod', decoy), 'prod-b.config': entry('PROD')})
    const env = {...t.env, OCTOPUS_SERVER_INSTANCES_DIR: dir}
    const run = await runLostMasterKey(['--dry-run', '--json', '--instance', 'PROD'], env)
    expect(run.exitCode, run.message).to.equal(0)
    const report = JSON.parse(run.stdout)
    expect(report.instance).to.deep.equal({name: 'PROD', configPath: target.server.seeded.configPath})
    expectNoSecrets([{name: 'stdout', text: run.stdout}], t.secrets)
  })

  it('several instances, none the default, and no flag (exit 7), listing them', async () => {
    const {dir, target: t} = await registry({'blue.config': entry('Blue'), 'green.config': entry('Green')})
    await expectRefusal(
      t,
      CONFIRMED,
      {exit: 7, says: ['2 instances are registered', 'Blue, Green', '--instance NAME']},
      {OCTOPUS_SERVER_INSTANCES_DIR: dir},
    )
  })

  it('a registered config file that does not exist (exit 7), naming the registry file', async () => {
    const missing = path.join(caseDir, 'gone.config')
    const {dir, target: t} = await registry({'octopusserver.config': entry('OctopusServer', missing)})
    await expectRefusal(
      t,
      CONFIRMED,
      {exit: 7, says: [`The config file ${missing}`, 'does not exist', path.join(dir, 'octopusserver.config')]},
      {
        OCTOPUS_SERVER_INSTANCES_DIR: dir,
      },
    )
  })

  it('--config naming a file that does not exist (exit 7)', async () => {
    const missing = path.join(caseDir, 'nope.config')
    await expectRefusal(watching(target, {folders: [caseDir]}), [...CONFIRMED, '--config', missing], {
      exit: 7,
      says: [missing, 'does not exist', 'Check the path'],
    })
  })

  it('--config naming a folder (exit 7)', async () => {
    await expectRefusal(watching(target, {folders: [caseDir]}), [...CONFIRMED, '--config', caseDir], {
      exit: 7,
      says: [caseDir, 'is not a file'],
    })
  })

  it('a config file that is not well-formed XML (exit 7), with the line', async () => {
    const text = (await seededConfig()).replace('</octopus-settings>', '<set key="Broken">oops</octopus-settings>')
    const {file, target: t} = await config(text)
    await expectRefusal(t, [...CONFIRMED, '--config', file], {
      exit: 7,
      says: [file, 'is not a valid config file', /\(line \d+\)/, '<octopus-settings>'],
    })
  })

  it('a config file in UTF-16 (exit 7), saying to convert it', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(await seededConfig(), 'utf16le')])
    const {file, target: t} = await config(utf16)
    await expectRefusal(t, [...CONFIRMED, '--config', file], {exit: 7, says: ['UTF-16', 'Convert it to UTF-8']})
  })

  it('a config file that is not UTF-8 (exit 7)', async () => {
    const latin1 = Buffer.from((await seededConfig()).replace('localhost', 'lócalhost'), 'latin1')
    const {file, target: t} = await config(latin1)
    await expectRefusal(t, [...CONFIRMED, '--config', file], {exit: 7, says: [file, 'is not valid UTF-8']})
  })

  it('a config file this user may not read (exit 7), run as an unprivileged user', async () => {
    const {file, target: t} = await config(await seededConfig(), 0o600)
    await expectRefusal(
      t,
      [...CONFIRMED, '--config', file],
      {exit: 7, says: [file, 'permission denied']},
      {HOME: nobodyHome},
      (args, env) => runChild(args, env, {uid: NOBODY, gid: NOBODY}),
    )
  })

  it('a config file without a connection string (exit 7), naming the setting', async () => {
    const text = (await seededConfig()).replace(
      /\s*<set key="Octopus\.Storage\.ExternalDatabaseConnectionString">[^<]*<\/set>/,
      '',
    )
    const {file, target: t} = await config(text)
    await expectRefusal(t, [...CONFIRMED, '--config', file], {
      exit: 7,
      says: [file, 'has no Octopus.Storage.ExternalDatabaseConnectionString'],
    })
  })

  it('a connection string of an unknown kind (exit 7), without quoting it', async () => {
    const text = withSetting(
      await seededConfig(),
      SettingKey.ConnectionString,
      'mysql://octopus:Hunter2Hunter2@db.example/octopus',
    )
    const {file, target: t} = await config(text)
    const secrets = [...t.secrets, {name: 'mysql password', value: 'Hunter2Hunter2'}]
    await expectRefusal({...t, secrets}, [...CONFIRMED, '--config', file], {
      exit: 7,
      says: ['only postgres:// and postgresql:// URLs', 'Octopus.Storage.ExternalDatabaseConnectionString'],
    })
  })

  it('a damaged machine key (exit 7), saying how to recover', async () => {
    const keyFile = path.join(caseDir, 'machinekey')
    await writeFile(keyFile, 'this is not a key\n', {mode: 0o600})
    await expectRefusal(
      watching(target, {folders: [caseDir], files: [keyFile]}),
      CONFIRMED,
      {exit: 7, says: [keyFile, 'is damaged', 'Restore it from a backup']},
      {
        OCTOPUS_MACHINE_KEY_FILE: keyFile,
      },
    )
  })
})
