import {Parser} from '@oclif/core'
import {expect} from 'chai'

import {kebabCase} from '../../../src/cli/kebab-aliases.js'
import {lostMasterKeyFlags} from '../../../src/cli/lost-master-key-flags.js'
import {type LostMasterKeyFlags, lostMasterKeyOptions} from '../../../src/cli/lost-master-key-options.js'
import {ExitCode} from '../../../src/exit-codes.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {Prng} from '../../../scripts/seeder/prng.js'

const CONFIRMED = ['--iReallyWantToResetAllMySensitiveData', '--iHaveBackedUpMyDatabase']

async function parse(argv: string[]): Promise<LostMasterKeyFlags> {
  const {flags} = await Parser.parse(argv, {flags: lostMasterKeyFlags, strict: true})
  return flags as LostMasterKeyFlags
}

/** A value oclif accepts for `flag`, or undefined for a switch. */
type FlagDefinition = (typeof lostMasterKeyFlags)[keyof typeof lostMasterKeyFlags]

function valueFor(name: string, flag: FlagDefinition, prng: Prng): string | undefined {
  if (flag.type === 'boolean') return undefined
  if (flag.options) return flag.options[prng.int(flag.options.length)]
  if (name === 'maxBackupAge' || name === 'batchSize') return String(1 + prng.int(100))
  if (name === 'candidateKey') return prng.bytes(32).toString('base64')
  return `value-${prng.int(1000)}`
}

describe('flags become options in one place', () => {
  it('maps every option from its flag (confirmed run, camelCase spellings)', async () => {
    const options = lostMasterKeyOptions(
      await parse([
        ...CONFIRMED,
        '--config=/c.config',
        '--backupFile=b.dump',
        '--maxBackupAge=5',
        '--skipBackupCheck',
        '--upgradeDatabase',
        '--skipLicenseCheck',
        '--scrubPii',
        '--isolateCopy',
        '--no-quarantine',
        '--masterKeyFile=k.txt',
        '--reportFile=r.csv',
        '--showMasterKey',
        '--ignoreLiveNodes',
        '--skipCurrentMasterKeyTest',
      ]),
      true,
    )
    expect(options).to.deep.include({
      instance: undefined,
      config: '/c.config',
      backupFile: 'b.dump',
      maxBackupAgeHours: 5,
      skipBackupCheck: true,
      upgradeDatabase: true,
      skipLicenseCheck: true,
      scrubPii: true,
      isolateCopy: true,
      quarantine: false,
      masterKeyFile: 'k.txt',
      reportFile: 'r.csv',
      showMasterKey: true,
      ignoreLiveNodes: true,
      skipCurrentMasterKeyTest: true,
      dryRun: false,
      json: true,
    })
  })

  it('gives the same options for camelCase and kebab-case spellings (seeded random flag sets)', async () => {
    const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000)
    console.log(`      seed ${seed} (TEST_SEED=${seed} repeats it)`)
    const prng = new Prng(seed, 'flag-spellings')
    // --config excludes --instance; --skipLicenseCheck needs --upgradeDatabase.
    const unpaired = new Set(['config', 'skipLicenseCheck'])
    const choosable = Object.entries(lostMasterKeyFlags).filter(([name]) => !unpaired.has(name))
    for (let trial = 0; trial < 50; trial++) {
      const camel: string[] = [...CONFIRMED]
      const kebab: string[] = CONFIRMED.map((flag) => `--${kebabCase(flag.slice(2))}`)
      for (const [name, flag] of choosable) {
        if (prng.next() < 0.5) continue
        const value = valueFor(name, flag, prng)
        const suffix = value === undefined ? '' : `=${value}`
        camel.push(`--${name}${suffix}`)
        kebab.push(`--${kebabCase(name)}${suffix}`)
      }
      const json = prng.next() < 0.5
      expect(lostMasterKeyOptions(await parse(kebab), json), kebab.join(' ')).to.deep.equal(
        lostMasterKeyOptions(await parse(camel), json),
      )
    }
  })

  it('refuses a run without both confirmations (exit 3), naming the missing one', async () => {
    for (const argv of [[], [CONFIRMED[0]], [CONFIRMED[1]]]) {
      let refusal: unknown
      try {
        lostMasterKeyOptions(await parse(argv), false)
      } catch (error) {
        refusal = error
      }
      expect(refusal, argv.join(' ')).to.be.instanceOf(RecoveryError)
      expect((refusal as RecoveryError).exitCode).to.equal(ExitCode.NotConfirmed)
      const missing = CONFIRMED.filter((flag) => !argv.includes(flag))
      for (const flag of missing) expect((refusal as Error).message).to.include(flag)
    }
  })

  it('needs no confirmation for a dry run, by either spelling', async () => {
    for (const spelling of ['--dryRun', '--dry-run']) {
      expect(lostMasterKeyOptions(await parse([spelling]), false).dryRun, spelling).to.equal(true)
    }
  })
})
