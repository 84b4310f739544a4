import {randomInt} from 'node:crypto'
import {parseArgs} from 'node:util'

export interface BenchArgs {
  readonly documents: number
  /** A second, smaller database measured the same way (where fixed costs weigh most); 0: skip. */
  readonly smallDocuments: number
  readonly rounds: number
  /** Rows per batch for the floor (the tool uses the command's own default). */
  readonly floorBatchSize: number
  /**
   * Also measure the tool at documents × this scale (10: the N and 10N), to see whether its memory stays flat;
   * 0: skip.
   */
  readonly memoryScale: number
  /** A folder for `--cpu-prof` profiles of the tool's runs. */
  readonly profileDir: string | undefined
  /** The database engine: the embedded PostgreSQL, or SQL Server (Babelfish from ../shared/babelfish). */
  readonly engine: 'postgres' | 'mssql'
}

export const USAGE =
  `Usage: npm run bench -- [--documents N] [--small-documents M] [--rounds R] ` +
  `[--floor-batch-size B] [--no-memory] [--profile DIR]
  --documents N         documents in the seeded database (default 200000; up to 2000000)
  --small-documents M   also measure at M documents (below N), where fixed costs weigh most (default 20000 when
                        below N; 0 skips it)
  --rounds R            rounds; each measures the tool and the floor on a fresh copy (default 3)
  --floor-batch-size B  rows per batch for the floor (default 2000)
  --memory-scale S      also run the tool once at N×S documents and compare peak memory (default 10: N and 10N;
                        0.1 is quicker; 0 skips it)
  --profile DIR         write a --cpu-prof profile of each of the tool's runs into DIR
  --engine E            postgres (default) or mssql: SQL Server, as Babelfish from ../shared/babelfish (its
                        timings are Babelfish's, not SQL Server's)`

export function wholeNumber(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${flag} must be a whole number from ${min} to ${max}, got "${text}"`)
  return value
}

/** `--seed`: the one given, or a random one when none is (the caller prints it, so the run can be repeated). */
export function seedArg(text: string | undefined): number {
  return text === undefined ? randomInt(2 ** 31) : wholeNumber(text, 'seed', 0, 2 ** 32 - 1)
}

/**
 * The smaller size (0: skipped), which must be below the larger: the goals judge the larger size against the large
 * limit and the smaller against the small one (goals.ts). Not given, it is `fallback` when that is below the larger,
 * else skipped.
 */
export function smallerSize(
  text: string | undefined,
  flag: string,
  options: {min: number; fallback: number; larger: number; largerFlag: string},
): number {
  const {min, fallback, larger, largerFlag} = options
  if (text === undefined) return fallback < larger ? fallback : 0
  if (text === '0') return 0
  const value = wholeNumber(text, flag, min)
  if (value >= larger)
    throw new Error(`--${flag} (${value}) must be below --${largerFlag} (${larger}), or 0 to skip it`)
  return value
}

function scale(text: string): number {
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0 || value > 10)
    throw new Error(`--memory-scale must be a number from 0 to 10, got "${text}"`)
  return value
}

function engine(text: string): 'postgres' | 'mssql' {
  if (text !== 'postgres' && text !== 'mssql') throw new Error(`--engine must be postgres or mssql, got "${text}"`)
  return text
}

/** The small size: the default of `--small-documents`, and the largest run judged against the small limit. */
export const SMALL_DOCUMENTS = 20_000

export function parseBenchArgs(argv: string[]): BenchArgs {
  const {values} = parseArgs({
    args: argv,
    strict: true,
    options: {
      documents: {type: 'string', default: '200000'},
      'small-documents': {type: 'string'},
      rounds: {type: 'string', default: '3'},
      'floor-batch-size': {type: 'string', default: '2000'},
      'memory-scale': {type: 'string', default: '10'},
      profile: {type: 'string'},
      engine: {type: 'string', default: 'postgres'},
      help: {type: 'boolean', default: false},
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const documents = wholeNumber(values.documents, 'documents', 100)
  return {
    documents,
    smallDocuments: smallerSize(values['small-documents'], 'small-documents', {
      min: 100,
      fallback: SMALL_DOCUMENTS,
      larger: documents,
      largerFlag: 'documents',
    }),
    rounds: wholeNumber(values.rounds, 'rounds', 1),
    // Two parameters a row, and at most 65,535 parameters a statement.
    floorBatchSize: wholeNumber(values['floor-batch-size'], 'floor-batch-size', 1, 32_767),
    memoryScale: scale(values['memory-scale']),
    profileDir: values.profile,
    engine: engine(values.engine),
  }
}
