import {expect} from 'chai'
import fs from 'node:fs/promises'
import path from 'node:path'

import {ExitCode} from '../../../src/exit-codes.js'
import {readConfigFile, withSetting} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey, sealNewMasterKey} from '../../../src/instance/current-master-key.js'
import {
  type DpapiBinding,
  type DpapiLoader,
  importDpapiBinding,
  loadDpapiBinding,
  sealWithDpapi,
  unsealWithDpapi,
} from '../../../src/instance/dpapi-sealing.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {Prng} from '../../../scripts/seeder/prng.js'
import {makeTempFolder, rejectionOf} from './support/temp-folder.js'

const SEED = 8_2027
const onWindows = process.platform === 'win32'

/**
 * A stand-in for DPAPI on machines that have none: it keeps what it was asked (scope, entropy) and "protects"
 * by prefixing a machine tag and reversing the bytes, so a value made on another "machine" does not open.
 */
function standIn(machine = 'this-machine') {
  const calls: Array<{scope: string; entropy: Uint8Array | null; data: Buffer}> = []
  const tag = Buffer.from(machine)
  const binding: DpapiBinding = {
    protectData(data, entropy, scope) {
      calls.push({scope, entropy, data: Buffer.from(data)})
      return Buffer.concat([tag, Buffer.from(data).reverse()])
    },
    unprotectData(data, entropy, scope) {
      calls.push({scope, entropy, data: Buffer.from(data)})
      if (!Buffer.from(data).subarray(0, tag.length).equals(tag)) throw new Error('The data is invalid.')
      return Buffer.from(data).subarray(tag.length).reverse()
    },
  }
  let loads = 0
  const load: DpapiLoader = async () => {
    loads++
    return binding
  }
  return {calls, load, loads: () => loads}
}

describe(`key protection on Windows: DPAPI, LocalMachine, no entropy (seed ${SEED})`, () => {
  const random = new Prng(SEED, 'dpapi')

  it(
    'protects the key as a JSON string in UTF-8 with LocalMachine scope and no entropy, stored as ' + 'base64',
    async () => {
      const dpapi = standIn()
      const masterKey = random.bytes(32)
      const sealed = await sealWithDpapi(masterKey, dpapi.load)
      expect(dpapi.calls).to.deep.equal([
        {scope: 'LocalMachine', entropy: null, data: Buffer.from(`"${masterKey.toString('base64')}"`, 'utf8')},
      ])
      expect(sealed).to.equal(
        Buffer.concat([
          Buffer.from('this-machine'),
          Buffer.from(`"${masterKey.toString('base64')}"`).reverse(),
        ]).toString('base64'),
      )
      expect(await unsealWithDpapi(sealed, dpapi.load)).to.deep.equal({ok: true, key: masterKey})
      expect(dpapi.calls[1]).to.deep.include({scope: 'LocalMachine', entropy: null})
    },
  )

  it('says a value from another machine does not unseal, naming DPAPI', async () => {
    const sealed = await sealWithDpapi(random.bytes(32), standIn('old-machine').load)
    expect(await unsealWithDpapi(sealed, standIn().load)).to.deep.equal({
      ok: false,
      reason: 'it does not unseal with Windows DPAPI (LocalMachine) (it was sealed on another machine, or altered)',
    })
  })

  it('does not count what DPAPI opens as a key unless it is a JSON string of a key', async () => {
    const dpapi = standIn()
    const notAKey = Buffer.concat([Buffer.from('this-machine'), Buffer.from('"c2hvcnQ="').reverse()]).toString('base64')
    expect(await unsealWithDpapi(notAKey, dpapi.load)).to.deep.equal({
      ok: false,
      reason: 'what Windows DPAPI (LocalMachine) unsealed is not a master key',
    })
    expect(await unsealWithDpapi('not base64!', dpapi.load)).to.deep.equal({
      ok: false,
      reason: 'the sealed master key is not base64',
    })
  })

  describe('through the config', () => {
    let folder: string
    let cleanup: () => Promise<void>
    beforeEach(async () => ({path: folder, cleanup} = await makeTempFolder()))
    afterEach(() => cleanup())

    async function config(sealed?: string) {
      const file = path.join(folder, 'OctopusServer.config')
      let text = '<?xml version="1.0" encoding="utf-8"?>\n<octopus-settings>\n</octopus-settings>\n'
      if (sealed) text = withSetting(text, SettingKey.MasterKey, sealed)
      await fs.writeFile(file, text)
      return readConfigFile(file)
    }

    it('seals and reads the key with DPAPI on Windows, naming the source', async () => {
      const dpapi = standIn()
      const newKey = random.bytes(32)
      const sealed = await sealNewMasterKey(await config(), newKey, {}, {platform: 'win32', loadDpapi: dpapi.load})
      expect(sealed).to.deep.include({sealedWith: {kind: 'dpapi'}, key: newKey})
      await fs.writeFile(path.join(folder, 'OctopusServer.config'), sealed.text)
      const written = await readConfigFile(path.join(folder, 'OctopusServer.config'))
      expect(await readCurrentMasterKey(written, {}, {platform: 'win32', loadDpapi: dpapi.load})).to.deep.equal({
        kind: 'available',
        source: 'config',
        key: newKey,
        unsealedWith: {kind: 'dpapi'},
      })
    })

    it('never loads the binding off Windows, or when MASTER_KEY gives the key', async () => {
      const dpapi = standIn()
      const masterKey = random.bytes(32)
      const written = await config(await sealWithDpapi(masterKey, standIn().load))
      await readCurrentMasterKey(
        written,
        {OCTOPUS_MACHINE_ID_FILE: path.join(folder, 'none'), OCTOPUS_MACHINE_KEY_FILE: path.join(folder, 'none')},
        {platform: 'linux', loadDpapi: dpapi.load},
      )
      await readCurrentMasterKey(
        written,
        {MASTER_KEY: masterKey.toString('base64')},
        {platform: 'win32', loadDpapi: dpapi.load},
      )
      expect(dpapi.loads()).to.equal(0)
    })

    it('refuses --sealWith on Windows (exit 2)', async () => {
      const error = (await rejectionOf(
        sealNewMasterKey(
          await config(),
          random.bytes(32),
          {},
          {platform: 'win32', loadDpapi: standIn().load, sealWith: 'machinekey'},
        ),
      )) as RecoveryError
      expect(error).to.be.instanceOf(RecoveryError)
      expect(error.exitCode).to.equal(ExitCode.Usage)
      expect(error.message).to.equal(
        '--sealWith applies to Linux and macOS only: on Windows the master key is protected with DPAPI.',
      )
    })

    it('is an error (exit 7), never a lost key, when the binding is not installed', async () => {
      const missing: DpapiLoader = () => importDpapiBinding('@primno/no-such-dpapi-package')
      const written = await config(await sealWithDpapi(random.bytes(32), standIn().load))
      const error = (await rejectionOf(
        readCurrentMasterKey(written, {}, {platform: 'win32', loadDpapi: missing}),
      )) as RecoveryError
      expect(error).to.be.instanceOf(RecoveryError)
      expect(error.exitCode).to.equal(ExitCode.NotFound)
      expect(error.message).to.equal(
        'The master key is protected with Windows DPAPI (LocalMachine) on Windows, but the DPAPI binding ' +
          '@primno/dpapi is not installed. Nothing was changed.',
      )
      expect(error.suggestions.join(' ')).to.contain('--omit=optional').and.to.contain('MASTER_KEY')
    })
  })

  it(
    `the installed @primno/dpapi refuses to load off Windows ` +
      `(${onWindows ? 'skipped: this is Windows' : `runs on ${process.platform}`})`,
    async function () {
      if (onWindows) this.skip()
      const error = (await rejectionOf(loadDpapiBinding())) as RecoveryError
      expect(error).to.be.instanceOf(RecoveryError)
      // Installed as an optional dependency: it loads but has no binding here; where it is absent, it is "not
      // installed".
      expect(error.message).to.match(
        /the DPAPI binding @primno\/dpapi (cannot be loaded on this machine|is not installed)\. Nothing was changed\.$/,
      )
    },
  )

  it(
    `round-trips through the real DPAPI (Windows only; ` +
      `${onWindows ? 'runs here' : `skipped on ${process.platform}`})`,
    async function () {
      if (!onWindows) this.skip()
      const masterKey = random.bytes(32)
      const sealed = await sealWithDpapi(masterKey)
      expect(await unsealWithDpapi(sealed)).to.deep.equal({ok: true, key: masterKey})
      // What DPAPI opens is exactly Octopus's protected plaintext.
      const dpapi = await loadDpapiBinding()
      expect(
        Buffer.from(dpapi.unprotectData(Buffer.from(sealed, 'base64'), null, 'LocalMachine')).toString('utf8'),
      ).to.equal(`"${masterKey.toString('base64')}"`)
    },
  )
})
