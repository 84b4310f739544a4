import {expect} from 'chai'
import {readFile, rm, stat, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {hasValidPadding} from '../../../src/instance/key-sealing.js'
import {readMachineIdKey} from '../../../src/instance/machine-id-key.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import {Prng} from '../../../scripts/seeder/prng.js'
import {openssl} from '../../unit/crypto/openssl.js'
import {createLostServer, databaseFingerprint, filesFingerprint, type LostServer} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'

const SEED = 8_2030

/**
 * The config's sealed master key opened by the OpenSSL CLI with the key and IV given as hex: the JSON string, or a
 * failure.
 */
async function opensslOpens(server: LostServer, key: Buffer, iv: Buffer): Promise<string> {
  const sealed = (await readConfigFile(server.seeded.configPath)).settings.get(SettingKey.MasterKey) ?? ''
  const input = path.join(server.root, 'sealed.b64')
  await writeFile(input, sealed)
  return openssl(
    'enc',
    '-d',
    '-aes-256-cbc',
    '-a',
    '-A',
    '-in',
    input,
    '-K',
    key.toString('hex'),
    '-iv',
    iv.toString('hex'),
  )
}

describe(`server:lost-master-key seals the new key the Octopus way (seed ${SEED})`, () => {
  const random = new Prng(SEED, 'key-protection')
  let server: LostServer

  afterEach(() => server.dispose())

  it('on a new machine (another machine id): seals with the machine id, says so, and OpenSSL opens it', async () => {
    server = await createLostServer({documents: 60, seed: 31})
    const machineId = random.bytes(16).toString('hex')
    await writeFile(server.seeded.machineIdPath, `${machineId}\n`)
    const run = await runLostMasterKey(CONFIRMED, server.env)
    expect(run.exitCode, run.message).to.equal(0)
    expect(run.stdout).to.include(
      `the master key is lost: the key in the config cannot be unsealed on this machine (the master key in the ` +
        (`config does not unseal with any machine key source (${server.seeded.machineIdPath}: it does not unseal ` +
          `with this ` +
          `machine key`),
    )
    expect(run.stdout).to.include(`Sealed with:  machine-id (${server.seeded.machineIdPath})`)
    expect(run.stdout).not.to.include(machineId)
    await stat(server.seeded.machineKeyPath).then(
      () => expect.fail('a machinekey file was created'),
      () => {},
    )

    const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
    if (current.kind !== 'available') throw new Error(current.reason)
    expect(current.unsealedWith).to.deep.equal({kind: 'machine-id', path: server.seeded.machineIdPath})
    expect(
      await opensslOpens(server, Buffer.from(machineId, 'ascii'), Buffer.from('743677397A244326', 'ascii')),
    ).to.equal(`"${current.key.toString('base64')}"`)
  })

  it(
    'with --sealWith machinekey beside a machine id: creates the machinekey file, reports it, and OpenSSL opens ' +
      'the value',
    async () => {
      server = await createLostServer({documents: 60, seed: 32})
      await writeFile(server.seeded.machineIdPath, `${random.bytes(16).toString('hex')}\n`)
      const run = await runLostMasterKey([...CONFIRMED, '--seal-with', 'machinekey', '--json'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      const report = JSON.parse(run.stdout) as RecoveryReport
      expect(report.sealedWith).to.deep.equal({kind: 'machinekey', path: server.seeded.machineKeyPath})
      expect((await stat(server.seeded.machineKeyPath)).mode & 0o777).to.equal(0o600)

      const [key, iv] = (await readFile(server.seeded.machineKeyPath, 'utf8'))
        .trim()
        .split('.')
        .map((part) => Buffer.from(part, 'base64'))
      const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
      if (current.kind !== 'available') throw new Error(current.reason)
      expect(current.unsealedWith).to.deep.equal({kind: 'machinekey', path: server.seeded.machineKeyPath})
      expect(await opensslOpens(server, key, iv)).to.equal(`"${current.key.toString('base64')}"`)
      // A newer server tries the machine id first: the value must not pass its padding check.
      const id = await readMachineIdKey(server.seeded.machineIdPath)
      const sealed = (await readConfigFile(server.seeded.configPath)).settings.get(SettingKey.MasterKey) ?? ''
      expect(id.kind === 'key' && hasValidPadding(sealed, id)).to.equal(false)
    },
  )

  it('refuses a server whose machinekey file still opens its key (exit 4), naming that source', async () => {
    server = await createLostServer({documents: 60, seed: 33, sealWith: 'machinekey', keepMachineKey: true})
    const run = await runLostMasterKey(CONFIRMED, server.env)
    expect(run.exitCode, run.message).to.equal(4)
    expect(run.message).to.include(
      `The current master key (unsealed with machinekey (${server.seeded.machineKeyPath})) still works`,
    )
  })

  it('refuses --sealWith machine-id on a machine without one (exit 7), changing nothing', async () => {
    server = await createLostServer({documents: 60, seed: 34})
    const files = [server.seeded.configPath, server.seeded.machineIdPath, server.seeded.machineKeyPath]
    const before = {database: await databaseFingerprint(server.database.url), files: await filesFingerprint(files)}
    const run = await runLostMasterKey([...CONFIRMED, '--sealWith', 'machine-id'], server.env)
    expect(run.exitCode, run.message).to.equal(7)
    expect(run.message).to.include(
      `--sealWith machine-id was given, but ${server.seeded.machineIdPath} does not exist. Nothing was changed.`,
    )
    expect({
      database: await databaseFingerprint(server.database.url),
      files: await filesFingerprint(files),
    }).to.deep.equal(before)
  })

  it('refuses an unknown --sealWith (exit 2)', async () => {
    server = await createLostServer({documents: 60, seed: 35})
    const run = await runLostMasterKey([...CONFIRMED, '--sealWith', 'gcm'], server.env)
    expect(run.exitCode, run.message).to.equal(2)
    expect(run.message).to.include('machine-id').and.to.include('machinekey')
  })

  it('keeps MASTER_KEY working for container installs, with no machine key source at all', async () => {
    server = await createLostServer({documents: 60, seed: 36})
    await rm(server.seeded.machineIdPath, {force: true})
    const run = await runLostMasterKey(CONFIRMED, {
      ...server.env,
      MASTER_KEY: server.seeded.masterKey.toString('base64'),
    })
    expect(run.exitCode, run.message).to.equal(4)
    expect(run.message).to.include('The current master key (from MASTER_KEY) still works')
  })
})
