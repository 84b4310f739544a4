/**
 * `npm run seed -- --root DIR --database-url URL [--documents N] [--corrupt-share S] ...`
 * Seeds a server instance (files under --root, documents in the database) for tests, the demo and the
 * benchmarks. Prints a summary, then, last, one JSON line: the result without the key, plus `seconds` and
 * `peak_rss_mb`.
 */
import {parseArgs} from 'node:util'

import {seedInstance, type SeedOptions} from './seeder/seed-instance.js'

const USAGE = `Usage: npm run seed -- --root DIR --database-url URL [options]
  --instance-name NAME        (default OctopusServer)
  --documents N               total documents (default 1000)
  --corrupt-share S           sensitive values that do not decrypt (default 0)
  --non-ciphertext-share S    sensitive values that are not cipher|iv (default 0)
  --null-share S              sensitive values already null (default 0.02)
  --malformed-share S         documents with malformed JSON (default 0)
  --scripts N                 older schema: only the first N scripts
  --live-node                 add a node seen just now
  --license-expires-on DATE   YYYY-MM-DD (default 2099-12-31)
  --key-bytes 16|32           (default 32)
  --seed N                    (default 1)
  --batch-size N              (default 1000)`

function number(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`--${flag} must be a number, got "${text}"`)
  return value
}

function parseOptions(argv: string[]): SeedOptions {
  const {values} = parseArgs({
    args: argv,
    strict: true,
    options: {
      root: {type: 'string'},
      'database-url': {type: 'string'},
      'instance-name': {type: 'string'},
      documents: {type: 'string'},
      'corrupt-share': {type: 'string'},
      'non-ciphertext-share': {type: 'string'},
      'null-share': {type: 'string'},
      'malformed-share': {type: 'string'},
      scripts: {type: 'string'},
      'live-node': {type: 'boolean'},
      'license-expires-on': {type: 'string'},
      'key-bytes': {type: 'string'},
      seed: {type: 'string'},
      'batch-size': {type: 'string'},
      help: {type: 'boolean'},
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }

  if (!values.root || !values['database-url']) throw new Error('--root and --database-url are required')
  const keyBytes = number(values['key-bytes'], 'key-bytes')
  if (keyBytes !== undefined && keyBytes !== 16 && keyBytes !== 32) throw new Error('--key-bytes must be 16 or 32')
  return {
    root: values.root,
    databaseUrl: values['database-url'],
    instanceName: values['instance-name'],
    documents: number(values.documents, 'documents'),
    corruptShare: number(values['corrupt-share'], 'corrupt-share'),
    nonCiphertextShare: number(values['non-ciphertext-share'], 'non-ciphertext-share'),
    nullShare: number(values['null-share'], 'null-share'),
    malformedShare: number(values['malformed-share'], 'malformed-share'),
    scripts: number(values.scripts, 'scripts'),
    liveNode: values['live-node'],
    licenseExpiresOn: values['license-expires-on'],
    keyBytes,
    seed: number(values.seed, 'seed'),
    batchSize: number(values['batch-size'], 'batch-size'),
  }
}

async function main(): Promise<void> {
  let options: SeedOptions
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }

  const started = performance.now()
  const seeded = await seedInstance(options)
  const seconds = Number(((performance.now() - started) / 1000).toFixed(2))
  // maxRSS is in kilobytes.
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)

  console.log(`Seeded instance ${seeded.instanceName} in ${seconds} s (peak RSS ${peakRssMb} MB)`)
  console.log(`  config:   ${seeded.configPath}`)
  console.log(`  env:      OCTOPUS_SERVER_INSTANCES_DIR=${seeded.env.OCTOPUS_SERVER_INSTANCES_DIR}`)
  console.log(`            OCTOPUS_MACHINE_ID_FILE=${seeded.env.OCTOPUS_MACHINE_ID_FILE}`)
  console.log(`            OCTOPUS_MACHINE_KEY_FILE=${seeded.env.OCTOPUS_MACHINE_KEY_FILE}`)
  console.log(`  certificate thumbprint: ${seeded.thumbprint}`)
  for (const [table, count] of Object.entries(seeded.documents)) {
    const s = seeded.sensitive[table]
    const values = s
      ? `  sensitive: ${s.readable} readable, ${s.corrupt} corrupt, ${s.nonCiphertext} not ciphertext, ` +
        `${s.alreadyNull} null`
      : ''
    const malformed = seeded.malformedDocuments[table] ? `  malformed: ${seeded.malformedDocuments[table]}` : ''
    console.log(`  ${table.padEnd(18)} ${String(count).padStart(9)} documents${values}${malformed}`)
  }

  // The key never reaches the output: the JSON line ends up in logs and benchmark results.
  console.log(JSON.stringify({...seeded, masterKey: undefined, seconds, peak_rss_mb: peakRssMb}))
}

await main()
