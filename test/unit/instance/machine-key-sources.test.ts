import {expect} from 'chai'
import fs from 'node:fs/promises'
import path from 'node:path'

import {ExitCode} from '../../../src/exit-codes.js'
import {hasValidPadding, sealMasterKey} from '../../../src/instance/key-sealing.js'
import {readMachineIdKey} from '../../../src/instance/machine-id-key.js'
import {formatMachineKey, readMachineKey} from '../../../src/instance/machine-key.js'
import {
  describeKeySource,
  sealWithMachineKeys,
  unsealWithMachineKeys,
} from '../../../src/instance/machine-key-sources.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {Prng} from '../../../scripts/seeder/prng.js'
import {makeTempFolder, rejectionOf} from './support/temp-folder.js'

const SEED = 8_2026

describe(`machine key sources, in Octopus's order (seed ${SEED})`, () => {
  const random = new Prng(SEED, 'machine-key-sources')
  let folder: string
  let idPath: string
  let keyPath: string
  let env: NodeJS.ProcessEnv
  let cleanup: () => Promise<void>
  const machineId = () => random.bytes(16).toString('hex')
  const fileKey = () => ({key: random.bytes(32), iv: random.bytes(16)})

  beforeEach(async () => {
    ;({path: folder, cleanup} = await makeTempFolder())
    idPath = path.join(folder, 'machine-id')
    keyPath = path.join(folder, 'octopus', 'machinekey')
    env = {OCTOPUS_MACHINE_ID_FILE: idPath, OCTOPUS_MACHINE_KEY_FILE: keyPath}
  })

  afterEach(() => cleanup())

  async function writeMachineKey(machineKey: {key: Buffer; iv: Buffer}): Promise<void> {
    await fs.mkdir(path.dirname(keyPath), {recursive: true})
    await fs.writeFile(keyPath, formatMachineKey(machineKey), {mode: 0o600})
  }

  async function machineIdKey() {
    const read = await readMachineIdKey(idPath)
    if (read.kind !== 'key') throw new Error(read.reason)
    return read
  }

  describe('unsealing', () => {
    it('opens a key sealed with the machine id first', async () => {
      await fs.writeFile(idPath, `${machineId()}\n`)
      await writeMachineKey(fileKey())
      const masterKey = random.bytes(32)
      const sealed = sealMasterKey(masterKey, await machineIdKey())
      expect(await unsealWithMachineKeys(sealed, env)).to.deep.equal({
        ok: true,
        key: masterKey,
        source: {kind: 'machine-id', path: idPath},
      })
    })

    it('falls through to the machinekey file when the machine id does not open it', async () => {
      await fs.writeFile(idPath, `${machineId()}\n`)
      const machineKey = fileKey()
      await writeMachineKey(machineKey)
      const masterKey = random.bytes(16)
      const sealed = sealMasterKey(masterKey, machineKey)
      expect(await unsealWithMachineKeys(sealed, env)).to.deep.equal({
        ok: true,
        key: masterKey,
        source: {kind: 'machinekey', path: keyPath},
      })
    })

    it('names every source and what happened to it when none opens it, and no key material', async () => {
      const id = machineId()
      const machineKey = fileKey()
      await fs.writeFile(idPath, `${id}\n`)
      await writeMachineKey(machineKey)
      const result = await unsealWithMachineKeys(sealMasterKey(random.bytes(32), fileKey()), env)
      const wrong = 'it does not unseal with this machine key (it was sealed on another machine, or altered)'
      expect(result).to.deep.equal({
        ok: false,
        reason:
          `the master key in the config does not unseal with any machine key source (${idPath}: ${wrong}; ` +
          `${keyPath}: ${wrong})`,
      })
      const reason = result.ok ? '' : result.reason
      for (const secret of [id, machineKey.key.toString('base64'), machineKey.key.toString('hex')])
        expect(reason).not.to.contain(secret)
    })

    it('says when there is no source at all', async () => {
      const result = await unsealWithMachineKeys(sealMasterKey(random.bytes(32), fileKey()), env)
      expect(result).to.deep.equal({
        ok: false,
        reason:
          `the master key in the config does not unseal with any machine key source (${idPath} does not ` +
          `exist; ${keyPath} does not exist)`,
      })
    })

    it('treats a machine id that cannot be read as an error, not as a lost key', async () => {
      await fs.mkdir(idPath)
      const error = await rejectionOf(unsealWithMachineKeys(sealMasterKey(random.bytes(32), fileKey()), env))
      expect(error).to.be.instanceOf(RecoveryError)
      expect((error as RecoveryError).exitCode).to.equal(ExitCode.NotFound)
    })
  })

  describe('sealing', () => {
    it('seals with the machine id when it works, and creates no machinekey file', async () => {
      await fs.writeFile(idPath, `${machineId()}\n`)
      const masterKey = random.bytes(32)
      const seal = await sealWithMachineKeys(masterKey, env)
      expect(seal).to.deep.equal({
        sealed: sealMasterKey(masterKey, await machineIdKey()),
        source: {kind: 'machine-id', path: idPath},
        collides: false,
      })
      await fs.access(keyPath).then(
        () => expect.fail('a machinekey file was created'),
        () => {},
      )
    })

    it('creates the machinekey file (0600) when no earlier source exists, and says it did', async () => {
      const masterKey = random.bytes(32)
      const seal = await sealWithMachineKeys(masterKey, env)
      expect(seal.source).to.deep.equal({kind: 'machinekey', path: keyPath})
      expect(seal.createdMachineKey).to.equal(keyPath)
      expect((await fs.stat(keyPath)).mode & 0o777).to.equal(0o600)
      expect(seal.sealed).to.equal(sealMasterKey(masterKey, (await readMachineKey(keyPath))!))
      expect(await unsealWithMachineKeys(seal.sealed, env)).to.deep.include({ok: true, key: masterKey})
    })

    it('uses an existing machinekey file when there is no machine id', async () => {
      const machineKey = fileKey()
      await writeMachineKey(machineKey)
      const masterKey = random.bytes(32)
      expect(await sealWithMachineKeys(masterKey, env)).to.deep.equal({
        sealed: sealMasterKey(masterKey, machineKey),
        source: {kind: 'machinekey', path: keyPath},
        collides: false,
      })
    })

    it(
      'seals with machinekey when asked, though a machine id exists (servers before mid-2021 read only ' +
        'machinekey)',
      async () => {
        await fs.writeFile(idPath, `${machineId()}\n`)
        const masterKey = random.bytes(32)
        const seal = await sealWithMachineKeys(masterKey, env, {sealWith: 'machinekey'})
        expect(seal.source).to.deep.equal({kind: 'machinekey', path: keyPath})
        expect(seal.createdMachineKey).to.equal(keyPath)
        expect(seal.collides).to.equal(hasValidPadding(seal.sealed, await machineIdKey()))
        if (!seal.collides)
          expect(await unsealWithMachineKeys(seal.sealed, env)).to.deep.include({
            ok: true,
            source: {kind: 'machinekey', path: keyPath},
          })
      },
    )

    it(
      'reports a machinekey seal that the machine id would also open with valid padding (about 1 in ' + '256)',
      async () => {
        await fs.writeFile(idPath, `${machineId()}\n`)
        await writeMachineKey(fileKey())
        const id = await machineIdKey()
        let tries = 0
        let seal
        do {
          seal = await sealWithMachineKeys(random.bytes(32), env, {sealWith: 'machinekey'})
          expect(seal.collides, `try ${tries}`).to.equal(hasValidPadding(seal.sealed, id))
          tries++
        } while (!seal.collides && tries < 5000)
        expect(seal.collides, `no collision in ${tries} tries`).to.equal(true)
      },
    )

    it('refuses --sealWith machine-id when there is no usable machine id, changing nothing', async () => {
      const error = (await rejectionOf(
        sealWithMachineKeys(random.bytes(32), env, {sealWith: 'machine-id'}),
      )) as RecoveryError
      expect(error).to.be.instanceOf(RecoveryError)
      expect(error.exitCode).to.equal(ExitCode.NotFound)
      expect(error.message).to.equal(
        `--sealWith machine-id was given, but ${idPath} does not exist. Nothing was changed.`,
      )
      await fs.access(keyPath).then(
        () => expect.fail('a machinekey file was created'),
        () => {},
      )
    })
  })

  it('describes a source by kind and path', () => {
    expect(describeKeySource({kind: 'machine-id', path: '/etc/machine-id'})).to.equal('machine-id (/etc/machine-id)')
    expect(describeKeySource({kind: 'dpapi'})).to.equal('Windows DPAPI (LocalMachine)')
  })
})
