import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {sealWithMachineKeys, unsealWithMachineKeys} from '../../../src/instance/machine-key-sources.js'
import {Prng} from '../../../scripts/seeder/prng.js'
import {openssl} from './openssl.js'

interface Vector {
  readonly source: 'machine-id' | 'machinekey'
  /** The source file's content. */
  readonly file: string
  readonly masterKey: string
  readonly sealed: string
}

// Made by the OpenSSL CLI: test/crypto/vectors/make-sealing-vectors.sh.
const vectors: Vector[] = JSON.parse(readFileSync(new URL('vectors/machine-key-sealing.json', import.meta.url), 'utf8'))
const SEED = 8_2028

describe(`the master key sealed the Octopus way, against the OpenSSL CLI (seed ${SEED})`, () => {
  let folder: string
  let env: {OCTOPUS_MACHINE_ID_FILE: string; OCTOPUS_MACHINE_KEY_FILE: string}

  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'sealing-vectors-'))
    env = {
      OCTOPUS_MACHINE_ID_FILE: path.join(folder, 'machine-id'),
      OCTOPUS_MACHINE_KEY_FILE: path.join(folder, 'machinekey'),
    }
  })

  afterEach(() => fs.rm(folder, {recursive: true, force: true}))

  const sourceFile = (source: Vector['source']) =>
    source === 'machine-id' ? env.OCTOPUS_MACHINE_ID_FILE : env.OCTOPUS_MACHINE_KEY_FILE

  /**
   * The AES key and IV of the source as hex for `openssl enc -K -iv`, read here by the format alone, not by the plugin.
   */
  async function opensslKey(source: Vector['source']): Promise<string[]> {
    const text = await fs.readFile(sourceFile(source), 'utf8')
    const [key, iv] =
      source === 'machine-id'
        ? [Buffer.from(text.split('\n')[0], 'ascii'), Buffer.from('743677397A244326', 'ascii')]
        : text
            .trim()
            .split('.')
            .map((part) => Buffer.from(part, 'base64'))
    return ['-K', key.toString('hex'), '-iv', iv.toString('hex')]
  }

  /** `openssl enc -d` of a base64 value, from a file (the helper takes no standard input). */
  async function opensslDecrypt(sealed: string, source: Vector['source']): Promise<string> {
    const input = path.join(folder, 'sealed.b64')
    await fs.writeFile(input, sealed)
    return openssl('enc', '-d', '-aes-256-cbc', '-a', '-A', '-in', input, ...(await opensslKey(source)))
  }

  for (const vector of vectors) {
    const bytes = Buffer.from(vector.masterKey, 'base64').length
    describe(`${vector.source}, a ${bytes}-byte master key`, () => {
      beforeEach(() => fs.writeFile(sourceFile(vector.source), vector.file))

      it('unseals the value OpenSSL made', async () => {
        expect(await unsealWithMachineKeys(vector.sealed, env)).to.deep.equal({
          ok: true,
          key: Buffer.from(vector.masterKey, 'base64'),
          source: {kind: vector.source, path: sourceFile(vector.source)},
        })
      })

      it('seals to the same value OpenSSL made, which `openssl enc -d` opens to the JSON string', async () => {
        const {sealed, source} = await sealWithMachineKeys(Buffer.from(vector.masterKey, 'base64'), env, {
          sealWith: vector.source,
        })
        expect(source.kind).to.equal(vector.source)
        expect(sealed).to.equal(vector.sealed)
        expect(await opensslDecrypt(sealed, vector.source)).to.equal(`"${vector.masterKey}"`)
      })
    })
  }

  for (const source of ['machine-id', 'machinekey'] as const) {
    it(`seals fresh keys with a fresh ${source} source that \`openssl enc -d\` opens`, async () => {
      const random = new Prng(SEED, source)
      if (source === 'machine-id')
        await fs.writeFile(env.OCTOPUS_MACHINE_ID_FILE, `${random.bytes(16).toString('hex')}\n`)
      for (let round = 0; round < 4; round++) {
        const masterKey = random.bytes(round % 2 ? 16 : 32)
        // A machinekey file is created by the first round, with a random key and IV of its own.
        const {sealed} = await sealWithMachineKeys(masterKey, env, {sealWith: source})
        expect(await opensslDecrypt(sealed, source), `round ${round}`).to.equal(`"${masterKey.toString('base64')}"`)
      }
    })
  }
})
