import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readdir, readFile, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {PLUGIN_ROOT} from '../../../scripts/lib/host-cli.js'
import {copyConfig, unreachableDatabase} from '../../support/config-copy.js'
import {
  createLostServer,
  databaseFingerprint,
  filesFingerprint,
  type LostServer,
  query,
} from '../../support/lost-server.js'
import {insertFirstVariableSet, luckyValue} from '../../support/lucky-values.js'
import {runPluginCommand} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

const set = (args: string[], env: Record<string, string | undefined>) =>
  runPluginCommand('server:set-master-key', args, env)
const check = (args: string[], env: Record<string, string | undefined>) =>
  runPluginCommand('server:check-master-key', args, env)

interface SetJson {
  outcome: 'sealed' | 'already-sealed'
  sealedWith: {kind: string; path?: string}
  previousConfigCopy: string | null
  proof: {verdict: string; detail: string}
}

/** Every file of the instance's folder and the machine key sources, bytes and modes: equal means nothing written. */
async function instanceFiles(server: LostServer): Promise<string> {
  const folder = path.dirname(server.seeded.configPath)
  const names = (await readdir(folder)).sort().map((name) => path.join(folder, name))
  return filesFingerprint([...names, server.seeded.machineIdPath, server.seeded.machineKeyPath])
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  )

/** The config's own key as the server would unseal it here (MASTER_KEY aside). */
async function configKey(configPath: string, server: LostServer): Promise<string | undefined> {
  const opened = await readCurrentMasterKey(await readConfigFile(configPath), {...server.env, MASTER_KEY: undefined})
  return opened.kind === 'available' ? opened.key.toString('base64') : undefined
}

/** `server:set-master-key` in a child process from the sources, as an operator runs it, with `input` on stdin. */
function setInChild(args: string[], env: Record<string, string>, input: string) {
  return new Promise<{exitCode: number | null; output: string}>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bin/dev.js', 'server:set-master-key', ...args],
      // NODE_ENV=development makes oclif load the TypeScript sources rather than a possibly stale dist/.
      {cwd: PLUGIN_ROOT, env: {...process.env, ...env, CI: 'true', NODE_ENV: 'development'}},
    )
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (exitCode) => resolve({exitCode, output}))
    child.stdin.end(input)
  })
}

for (const engine of testEngines())
  describe(`server:set-master-key on ${engine}`, () => {
    let working: LostServer
    let dead: LostServer
    let noCertificate: LostServer
    /** The dead machine's config as another node holds it, copied before anything is set. */
    let secondNode: string

    before(async () => {
      working = await createLostServer({documents: 120, seed: 51, keepMachineKey: true, engine})
      dead = await createLostServer({documents: 120, seed: 52, engine})
      noCertificate = await createLostServer({documents: 120, seed: 53, keepMachineKey: true, engine})
      secondNode = await copyConfig(dead.seeded.configPath, 'SecondNode.config')
    })

    after(async () => {
      await working?.dispose()
      await dead?.dispose()
      await noCertificate?.dispose()
    })

    it('refuses a key that does not open the database (exit 12): files byte-identical, key never shown', async () => {
      const before = await instanceFiles(working)
      const wrongKey = randomBytes(32).toString('base64')
      const text = await set(['--config', working.seeded.configPath, '--masterKey', wrongKey], working.env)
      expect(text.exitCode, text.message).to.equal(12)
      expect(text.message).to.include('does not open this database').and.include('The config was not changed')
      const json = await set(['--config', working.seeded.configPath, '--masterKey', wrongKey, '--json'], working.env)
      expect(json.exitCode).to.equal(12)
      expect(JSON.parse(json.stdout).error).to.include({exit: 12})
      expect(text.stdout + text.stderr + text.message + json.stdout + json.stderr).not.to.include(wrongKey)
      expect(await instanceFiles(working)).to.equal(before)
    })

    it(
      'refuses a wrong key that opens two values by chance where no certificate decides (exit 12), and accepts ' +
        'the right key there, proven by the values',
      async () => {
        const seed = Date.now() % 1_000_000
        console.log(`      lucky-value seed ${seed}`)
        const {seeded} = noCertificate
        const wrongKey = randomBytes(32)
        await query(noCertificate.database.url, `DELETE FROM "Configuration" WHERE "Id" = $1`, ['certificate-global'])
        await insertFirstVariableSet(noCertificate, [
          luckyValue(seeded.masterKey, wrongKey, 'by chance', seed),
          luckyValue(seeded.masterKey, wrongKey, 'by chance too', seed + 1),
        ])
        const before = await instanceFiles(noCertificate)
        const wrong = await set(
          ['--config', seeded.configPath, '--masterKey', wrongKey.toString('base64')],
          noCertificate.env,
        )
        expect(wrong.exitCode, wrong.message).to.equal(12)
        expect(wrong.message).to.match(/is not proven: .*it opens 2 of \d+ sampled values/)
        expect(await instanceFiles(noCertificate)).to.equal(before)
        const right = await set(
          ['--config', seeded.configPath, '--masterKey', seeded.masterKey.toString('base64'), '--json'],
          noCertificate.env,
        )
        expect(right.exitCode, right.message).to.equal(0)
        const data = JSON.parse(right.stdout) as SetJson
        expect(data.proof.verdict).to.equal('proven')
        expect(data.proof.detail).to.match(/opens \d+ of \d+ sampled values/)
      },
    )

    it(
      "brings back a dead machine's config with the right key from a file: sealed, previous config kept, no data " +
        'changed; the check then says 0, and a second run writes nothing',
      async () => {
        const {seeded} = dead
        const key = seeded.masterKey.toString('base64')
        const keyFile = path.join(dead.root, 'master-key.txt')
        await writeFile(keyFile, key + '\n', {mode: 0o600})
        const original = await readFile(seeded.configPath)
        const data = await databaseFingerprint(dead.database.url)
        expect(await configKey(seeded.configPath, dead)).to.equal(undefined)
        const run = await set(['--config', seeded.configPath, '--masterKeyFrom', keyFile, '--json'], dead.env)
        expect(run.exitCode, run.message).to.equal(0)
        const result = JSON.parse(run.stdout) as SetJson
        expect(result.outcome).to.equal('sealed')
        expect(result.sealedWith).to.deep.equal({kind: 'machinekey', path: seeded.machineKeyPath})
        expect(result.previousConfigCopy).to.include(`${seeded.configPath}.before-set-master-key-`)
        expect(await readFile(result.previousConfigCopy!)).to.deep.equal(original)
        expect((await stat(result.previousConfigCopy!)).mode & 0o777).to.equal(0o600)
        expect(await configKey(seeded.configPath, dead)).to.equal(key)
        const sealed = (await readConfigFile(seeded.configPath)).settings
        const before = (await readConfigFile(result.previousConfigCopy!)).settings
        for (const [setting, value] of before)
          if (setting !== SettingKey.MasterKey) expect(sealed.get(setting), setting).to.equal(value)
        expect(await databaseFingerprint(dead.database.url)).to.equal(data)
        const healthy = await check(['--config', seeded.configPath], dead.env)
        expect(healthy.exitCode, healthy.message).to.equal(0)
        const files = await instanceFiles(dead)
        const again = await set(['--config', seeded.configPath, '--masterKeyFrom', keyFile], dead.env)
        expect(again.exitCode, again.message).to.equal(0)
        expect(again.stdout).to.include('already holds this key').and.include('nothing was written')
        expect(await instanceFiles(dead)).to.equal(files)
      },
    )

    it('reads the key from standard input (--masterKeyFrom -), in a child process as an operator runs it', async () => {
      const key = dead.seeded.masterKey.toString('base64')
      const run = await setInChild(['--config', secondNode, '--masterKeyFrom', '-'], dead.env, key + '\n')
      expect(run.exitCode, run.output).to.equal(0)
      expect(run.output).to.include('is sealed into').and.not.include(key)
      expect(await configKey(secondNode, dead)).to.equal(key)
      const healthy = await check(['--config', secondNode], dead.env)
      expect(healthy.exitCode, healthy.message).to.equal(0)
    })

    it(
      'seals with --skipDatabaseCheck where the database cannot be reached; without it, exit 7 naming the flag and ' +
        'nothing written',
      async () => {
        const key = working.seeded.masterKey.toString('base64')
        const copy = await copyConfig(working.seeded.configPath, 'Unreachable.config', {
          ...unreachableDatabase(engine),
          [SettingKey.MasterKey]: '',
        })
        const before = await instanceFiles(working)
        const refused = await set(['--config', copy, '--masterKey', key], working.env)
        expect(refused.exitCode, refused.message).to.equal(7)
        expect(refused.message).to.include('127.0.0.1').and.include('--skipDatabaseCheck')
        expect(await instanceFiles(working)).to.equal(before)
        const run = await set(['--config', copy, '--masterKey', key, '--skipDatabaseCheck', '--json'], working.env)
        expect(run.exitCode, run.message).to.equal(0)
        const data = JSON.parse(run.stdout) as SetJson
        expect(data.outcome).to.equal('sealed')
        expect(data.proof.verdict).to.equal('skipped')
        expect(await configKey(copy, working)).to.equal(key)
      },
    )

    it(
      '--sealWith machinekey reseals a key the config holds under machine-id, and show-master-key then names ' +
        'machinekey (a key that would also pass under machine-id is refused, leaving no machinekey file)',
      async () => {
        const key = working.seeded.masterKey.toString('base64')
        const copy = await copyConfig(working.seeded.configPath, 'OldServer.config')
        const args = ['--config', copy, '--masterKey', key, '--sealWith', 'machinekey', '--json']
        // The machinekey file is drawn anew on each try, so a collision (1 key in 256) does not repeat.
        let run = await set(args, working.env)
        for (let tries = 1; run.exitCode === 2 && tries < 4; tries++) {
          expect(run.message).to.include('would also pass the padding check')
          expect(await exists(working.seeded.machineKeyPath), 'the machinekey file made for it').to.equal(false)
          run = await set(args, working.env)
        }
        expect(run.exitCode, run.message).to.equal(0)
        const data = JSON.parse(run.stdout) as SetJson
        expect(data.outcome).to.equal('sealed')
        expect(data.sealedWith.kind).to.equal('machinekey')
        const shown = await runPluginCommand('server:show-master-key', ['--config', copy, '--json'], working.env)
        expect(shown.exitCode, shown.message).to.equal(0)
        expect(JSON.parse(shown.stdout)).to.deep.include({
          masterKey: key,
          source: {kind: 'machinekey', path: working.seeded.machineKeyPath},
        })
      },
    )

    it('refuses bad input before reading anything (exit 2): both key flags, neither, a key not base64', async () => {
      const config = ['--config', working.seeded.configPath]
      const both = await set([...config, '--masterKey', 'x', '--masterKeyFrom', '-'], working.env)
      expect(both.exitCode).to.equal(2)
      const neither = await set(config, working.env)
      expect(neither.exitCode).to.equal(2)
      const typo = working.seeded.masterKey.toString('base64').replace(/.$/, '#')
      const bad = await set([...config, '--masterKey', typo, '--json'], working.env)
      expect(bad.exitCode).to.equal(2)
      expect(JSON.parse(bad.stdout).error.message).to.include('not valid base64')
      expect(bad.stdout + bad.stderr).not.to.include(typo.slice(0, 20))
    })
  })
