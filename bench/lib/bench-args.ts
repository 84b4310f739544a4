import {parseArgs} from 'node:util'

export interface BenchArgs {
  readonly documents: number
  readonly rounds: number
  /** Rows per batch for the floor (the tool uses the command's own default). */
  readonly floorBatchSize: number
  /** Also measure the tool at documents / 10, to see whether its memory stays flat. */
  readonly memory: boolean
  /** A folder for `--cpu-prof` profiles of the tool's runs. */
  readonly profileDir: string | undefined
}

export const USAGE = `Usage: npm run bench -- [--documents N] [--rounds R] [--floor-batch-size B] [--no-memory] [--profile DIR]
  --documents N         documents in the seeded database (default 200000; up to 2000000)
  --rounds R            rounds; each measures the tool and the floor on a fresh copy (default 3)
  --floor-batch-size B  rows per batch for the floor (default 2000)
  --no-memory           skip the tool's runs at N/10 (the memory comparison)
  --profile DIR         write a --cpu-prof profile of each of the tool's runs into DIR`

function wholeNumber(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${flag} must be a whole number from ${min} to ${max}, got "${text}"`)
  return value
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const {values} = parseArgs({
    args: argv,
    strict: true,
    options: {
      documents: {type: 'string', default: '200000'},
      rounds: {type: 'string', default: '3'},
      'floor-batch-size': {type: 'string', default: '2000'},
      'no-memory': {type: 'boolean', default: false},
      profile: {type: 'string'},
      help: {type: 'boolean', default: false},
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  return {
    documents: wholeNumber(values.documents, 'documents', 100),
    rounds: wholeNumber(values.rounds, 'rounds', 1),
    // Two parameters a row, and at most 65,535 parameters a statement.
    floorBatchSize: wholeNumber(values['floor-batch-size'], 'floor-batch-size', 1, 32_767),
    memory: !values['no-memory'],
    profileDir: values.profile,
  }
}
