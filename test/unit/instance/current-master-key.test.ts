import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'

import {ExitCode} from '../../../src/exit-codes.js'
import {type ConfigFile, readConfigFile, withSetting} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey, sealNewMasterKey} from '../../../src/instance/current-master-key.js'
import {hasValidPadding, sealMasterKey} from '../../../src/instance/key-sealing.js'
import {readMachineIdKey} from '../../../src/instance/machine-id-key.js'
import {formatMachineKey, readMachineKey, readOrCreateMachineKey} from '../../../src/instance/machine-key.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {Prng} from '../../../scripts/seeder/prng.js'
import {makeTempFolder, readFixture, rejectionOf} from './support/temp-folder.js'

const SEED = 8_2029

describe(`current master key (seed ${SEED})`, () => {
  let folder: string
  let keyPath: string
  let idPath: string
  let env: NodeJS.ProcessEnv
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    ;({path: folder, cleanup} = await makeTempFolder())
    keyPath = path.join(folder, 'machinekey')
    // No machine id unless a test writes one: the machinekey file is the source.
    idPath = path.join(folder, 'machine-id')
    env = {OCTOPUS_MACHINE_ID_FILE: idPath, OCTOPUS_MACHINE_KEY_FILE: keyPath}
  })

  afterEach(() => cleanup())

  /** A config file (from the Windows fixture) whose master key setting holds `sealed`, or none. */
  async function configWith(sealed: string | undefined): Promise<ConfigFile> {
    let text = (await readFixture('windows-bom-crlf.config')).toString('utf8')
    text =
      sealed === undefined
        ? text.replace(/ {2}<set key="Octopus\.Storage\.MasterKey">[^<]*<\/set>\r\n/, '')
        : withSetting(text, SettingKey.MasterKey, sealed)
    const file = path.join(folder, 'octopus.config')
    await fs.writeFile(file, text)
    return readConfigFile(file)
  }

  async function sealedHere(masterKey: Buffer): Promise<string> {
    return sealMasterKey(masterKey, await readOrCreateMachineKey(keyPath))
  }

  /** A machine key from somewhere else. */
  const otherMachine = () => ({key: randomBytes(32), iv: randomBytes(16)})

  describe('readCurrentMasterKey', () => {
    for (const length of [16, 32]) {
      it(`opens a sealed ${length}-byte key with this machine's key`, async () => {
        const masterKey = randomBytes(length)
        const config = await configWith(await sealedHere(masterKey))
        expect(await readCurrentMasterKey(config, env)).to.deep.equal({
          kind: 'available',
          source: 'config',
          key: masterKey,
          unsealedWith: {kind: 'machinekey', path: keyPath},
        })
      })
    }

    it('opens a key sealed with the machine id, naming it', async () => {
      await fs.writeFile(idPath, `${randomBytes(16).toString('hex')}\n`)
      const masterKey = randomBytes(32)
      const sealed = await sealNewMasterKey(await configWith(undefined), masterKey, env)
      expect(sealed.sealedWith).to.deep.equal({kind: 'machine-id', path: idPath})
      await fs.writeFile(path.join(folder, 'octopus.config'), sealed.text)
      expect(await readCurrentMasterKey(await readConfigFile(path.join(folder, 'octopus.config')), env)).to.deep.equal({
        kind: 'available',
        source: 'config',
        key: masterKey,
        unsealedWith: {kind: 'machine-id', path: idPath},
      })
    })

    it('takes MASTER_KEY over the sealed key in the config', async () => {
      const config = await configWith(await sealedHere(randomBytes(32)))
      const fromEnvironment = randomBytes(32)
      expect(
        await readCurrentMasterKey(config, {...env, MASTER_KEY: fromEnvironment.toString('base64')}),
      ).to.deep.equal({
        kind: 'available',
        source: 'MASTER_KEY',
        key: fromEnvironment,
      })
    })

    it(
      'accepts a 16-byte MASTER_KEY with surrounding whitespace, even without a config key or machine ' + 'key',
      async () => {
        const config = await configWith(undefined)
        const fromEnvironment = randomBytes(16)
        expect(
          await readCurrentMasterKey(config, {...env, MASTER_KEY: ` ${fromEnvironment.toString('base64')}\n`}),
        ).to.deep.equal({
          kind: 'available',
          source: 'MASTER_KEY',
          key: fromEnvironment,
        })
      },
    )

    it('ignores an empty MASTER_KEY', async () => {
      const masterKey = randomBytes(32)
      const config = await configWith(await sealedHere(masterKey))
      expect(await readCurrentMasterKey(config, {...env, MASTER_KEY: ''})).to.deep.include({
        kind: 'available',
        source: 'config',
        key: masterKey,
      })
    })

    const badKeys: Array<[string, string, string]> = [
      ['24 bytes', randomBytes(24).toString('base64'), 'it is base64 of 24 bytes'],
      ['8 bytes', randomBytes(8).toString('base64'), 'it is base64 of 8 bytes'],
      ['not base64', 'not-a-key!', 'it is not base64'],
    ]
    for (const [problem, value, description] of badKeys) {
      it(`refuses a MASTER_KEY of ${problem} rather than treating the key as lost`, async () => {
        const config = await configWith(undefined)
        const error = (await rejectionOf(readCurrentMasterKey(config, {...env, MASTER_KEY: value}))) as RecoveryError
        expect(error).to.be.instanceOf(RecoveryError)
        expect(error.exitCode).to.equal(ExitCode.Usage)
        expect(error.message).to.contain(description).and.contain('expected base64 of 16 or 32 bytes')
        expect(error.message).not.to.contain(value)
      })
    }

    it('is unavailable, without creating a machine key, when this machine has none', async () => {
      const config = await configWith(sealMasterKey(randomBytes(32), otherMachine()))
      const current = await readCurrentMasterKey(config, env)
      expect(current).to.deep.equal({
        kind: 'unavailable',
        reason:
          `the master key in the config does not unseal with any machine key source (${idPath} does not ` +
          `exist; ${keyPath} does not exist)`,
      })
      expect(await fs.stat(keyPath).catch(() => undefined)).to.equal(undefined)
    })

    it('is unavailable when the key was sealed on another machine', async () => {
      await readOrCreateMachineKey(keyPath)
      const config = await configWith(sealMasterKey(randomBytes(32), otherMachine()))
      const current = await readCurrentMasterKey(config, env)
      expect(current.kind).to.equal('unavailable')
      expect(current).to.have.property('reason').that.contains(`${keyPath}: it does not unseal with this machine key`)
    })

    it('is unavailable when the config has no master key setting', async () => {
      const config = await configWith(undefined)
      expect(await readCurrentMasterKey(config, env)).to.deep.equal({
        kind: 'unavailable',
        reason: `the config file ${config.path} has no Octopus.Storage.MasterKey setting`,
      })
    })

    it('is unavailable when the master key setting is empty', async () => {
      const config = await configWith('')
      expect(await readCurrentMasterKey(config, env)).to.have.property('kind', 'unavailable')
    })

    it('is unavailable when the unsealed key has a length no master key has', async () => {
      const config = await configWith(await sealedHere(randomBytes(24)))
      expect(await readCurrentMasterKey(config, env)).to.deep.equal({
        kind: 'unavailable',
        reason: 'the unsealed master key has 24 bytes, expected 16 or 32',
      })
    })
  })

  describe('sealNewMasterKey', () => {
    it('creates the machine key on first need and changes only the master key setting', async () => {
      const config = await configWith(sealMasterKey(randomBytes(32), otherMachine()))
      const newKey = randomBytes(32)

      const {text, key, sealedWith, createdMachineKey} = await sealNewMasterKey(config, newKey, env)
      expect({key, sealedWith, createdMachineKey}).to.deep.equal({
        key: newKey,
        sealedWith: {kind: 'machinekey', path: keyPath},
        createdMachineKey: keyPath,
      })
      expect((await fs.stat(keyPath)).mode & 0o777).to.equal(0o600)
      await fs.writeFile(config.path, text)
      const written = await readConfigFile(config.path)
      const oldSealed = config.settings.get(SettingKey.MasterKey) ?? ''
      const newSealed = written.settings.get(SettingKey.MasterKey) ?? ''
      expect(newSealed).not.to.equal(oldSealed)
      expect(text).to.equal(config.text.replace(oldSealed, newSealed))
      expect(await readCurrentMasterKey(written, env)).to.deep.include({
        kind: 'available',
        source: 'config',
        key: newKey,
      })
    })

    it('uses the machine key that is already there', async () => {
      const {created, ...machineKey} = await readOrCreateMachineKey(keyPath)
      expect(created).to.equal(true)
      const config = await configWith(undefined)
      const newKey = randomBytes(16)

      const sealed = await sealNewMasterKey(config, newKey, env)
      expect(sealed.createdMachineKey).to.equal(undefined)
      await fs.writeFile(config.path, sealed.text)
      expect(await readOrCreateMachineKey(keyPath)).to.deep.equal({...machineKey, created: false})
      expect(await readCurrentMasterKey(await readConfigFile(config.path), env)).to.deep.include({key: newKey})
    })

    it('gives a new machine key to the owner of the config file (needs root: chown)', async function () {
      if (process.getuid?.() !== 0) this.skip()
      const config = await configWith(undefined)
      await fs.chown(config.path, 4321, 4322)

      await sealNewMasterKey(config, randomBytes(32), env)
      const {uid, gid} = await fs.stat(keyPath)
      expect({uid, gid}).to.deep.equal({uid: 4321, gid: 4322})
    })

    it(
      'draws another master key when the machinekey value would also pass the padding check under the machine ' + 'id',
      async () => {
        const random = new Prng(SEED, 'collision')
        await fs.writeFile(idPath, `${random.bytes(16).toString('hex')}\n`)
        await fs.writeFile(keyPath, formatMachineKey({key: random.bytes(32), iv: random.bytes(16)}))
        const id = await readMachineIdKey(idPath)
        if (id.kind !== 'key') throw new Error(id.reason)
        const machineKey = (await readMachineKey(keyPath))!
        // About 1 key in 256 seals to such a value; find one (deterministic for the seed).
        let colliding: Buffer
        do colliding = random.bytes(32)
        while (!hasValidPadding(sealMasterKey(colliding, machineKey), id))
        const redrawn = [random.bytes(32)]
        while (hasValidPadding(sealMasterKey(redrawn[0], machineKey), id)) redrawn[0] = random.bytes(32)

        const config = await configWith(undefined)
        let draws = 0
        const sealed = await sealNewMasterKey(config, colliding, env, {
          sealWith: 'machinekey',
          redraw: () => redrawn[draws++],
        })
        expect(draws).to.equal(1)
        expect(sealed.key).to.deep.equal(redrawn[0])
        expect(sealed.sealedWith).to.deep.equal({kind: 'machinekey', path: keyPath})
        await fs.writeFile(config.path, sealed.text)
        const value = (await readConfigFile(config.path)).settings.get(SettingKey.MasterKey)!
        expect(hasValidPadding(value, id), 'a newer server would not mistake noise for the key').to.equal(false)
        expect(await readCurrentMasterKey(await readConfigFile(config.path), env)).to.deep.include({key: redrawn[0]})
      },
    )

    it('removes the machinekey file it created when a redraw refuses (a key the operator gave)', async () => {
      await fs.writeFile(idPath, `${randomBytes(16).toString('hex')}\n`)
      const refusal = new Error('this key cannot be drawn again')
      const redraw = () => {
        throw refusal
      }
      // Each try creates a new random machinekey file; about 1 in 256 makes the key collide.
      for (let tries = 0; tries < 5000; tries++) {
        const outcome = await sealNewMasterKey(await configWith(undefined), randomBytes(32), env, {
          sealWith: 'machinekey',
          redraw,
        }).catch((error: unknown) => error)
        if (outcome !== refusal) {
          await fs.rm(keyPath)
          continue
        }
        expect(await fs.stat(keyPath).catch(() => 'gone')).to.equal('gone')
        return
      }
      expect.fail('no collision in 5000 tries')
    })

    it('keeps a key whose machinekey value does not collide, and never redraws for the machine id source', async () => {
      await fs.writeFile(idPath, `${randomBytes(16).toString('hex')}\n`)
      const newKey = randomBytes(32)
      const redraw = () => expect.fail('redrawn')
      expect((await sealNewMasterKey(await configWith(undefined), newKey, env, {redraw})).key).to.deep.equal(newKey)
    })

    it('refuses a new key of a length no master key has', async () => {
      const config = await configWith(undefined)
      const error = await rejectionOf(sealNewMasterKey(config, randomBytes(24), env))
      expect(error).to.be.instanceOf(RangeError)
    })
  })
})
