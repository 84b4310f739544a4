import {parseArgs} from 'node:util'

export interface CrashOptions {
  /** Kills to try, each on a fresh copy of the seeded server. */
  readonly trials: number
  /** Documents in the seeded database. */
  readonly documents: number
  /** Seeds both the database content and the choice of kill instants, so a failing trial can be replayed. */
  readonly seed: number
  /** The one kind of trial to run (its name in the trial lines, e.g. `--kind=--candidateKey`); all kinds by default. */
  readonly kind?: string
}

function wholeNumber(name: string, raw: string | undefined, fallback: number, least: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < least)
    throw new RangeError(`--${name} must be a whole number ≥ ${least}, got ${raw}`)
  return value
}

/** `--trials N [--documents D] [--seed S] [--kind=NAME]`. */
export function parseCrashOptions(argv: string[]): CrashOptions {
  const {values} = parseArgs({
    args: argv,
    options: {trials: {type: 'string'}, documents: {type: 'string'}, seed: {type: 'string'}, kind: {type: 'string'}},
    strict: true,
  })
  return {
    trials: wholeNumber('trials', values.trials, 8, 1),
    documents: wholeNumber('documents', values.documents, 2000, 50),
    seed: wholeNumber('seed', values.seed, 1, 0),
    kind: values.kind,
  }
}
