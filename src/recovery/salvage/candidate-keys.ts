/**
 * Candidate keys for salvage (docs/recovery.md, "Salvage with candidate keys"): old master keys the operator
 * thinks some values may still open with. A candidate is a secret: outputs name it only by where it came from and
 * by its fingerprint.
 */
import {createHash} from 'node:crypto'

import {masterKeyFromBase64} from '../../crypto/master-key.js'
import {ExitCode} from '../../exit-codes.js'
import {describeKeyFile, readKeyFile, STANDARD_INPUT} from '../../files/key-file.js'
import {RecoveryError} from '../../recovery-error.js'
import {readOldMasterKey} from '../key-input/old-master-key.js'

/**
 * Where a candidate comes from, as the operator gave it (`--candidateKey` text is checked when the flags are read;
 * a key file, `-` for standard input, when the candidates are read).
 */
export type CandidateSource =
  | {readonly kind: 'base64'; readonly text: string; readonly label: string}
  | {readonly kind: 'file'; readonly path: string; readonly label: string}
  | {readonly kind: 'config'; readonly path: string; readonly label: string}

export interface CandidateKey {
  readonly key: Buffer
  /** The first 8 hex digits of the key's SHA-256: tells candidates apart without showing them. */
  readonly fingerprint: string
  /** `--candidateKey #2`, `--candidateKeyFile /path` (or `standard input`) or `--candidateConfig /path` */
  readonly source: string
  /** The old config it was unsealed from, for `--candidateConfig`. */
  readonly configPath?: string
}

export function keyFingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8)
}

/** How a candidate is named in messages and the report. */
export function describeCandidate(candidate: Pick<CandidateKey, 'source' | 'fingerprint'>): string {
  return `${candidate.source} (fingerprint ${candidate.fingerprint})`
}

/** A failure reading one candidate, said about that candidate; the code (2 bad key, 7 unreadable) is kept. */
function aboutCandidate(error: unknown, source: CandidateSource): unknown {
  if (!(error instanceof RecoveryError)) return error
  const hint =
    source.kind === 'config'
      ? 'An old config opens only on the machine that sealed it; elsewhere give its key with --candidateKeyFile.'
      : source.kind === 'file'
        ? 'Give each candidate key file one key, as it was shown: standard base64 of 16 or 32 bytes.'
        : 'Pass each candidate key exactly as it was shown: standard base64 of 16 or 32 bytes.'
  // A config's message names its path already.
  const flag = source.kind === 'config' ? '--candidateConfig' : source.label
  return new RecoveryError(`${flag}: ${error.message} Nothing was changed.`, error.exitCode, [hint])
}

/**
 * The `--candidateKey` flags as sources, each decoded once now so a malformed one is refused (exit 2) before
 * anything else runs; the `--candidateKeyFile` and `--candidateConfig` flags as paths, read later
 * (readCandidateKeys). Standard input can be read once: `--candidateKeyFile -` twice is refused (exit 2).
 */
export function candidateSources(flags: {
  readonly candidateKey?: readonly string[]
  readonly candidateKeyFile?: readonly string[]
  readonly candidateConfig?: readonly string[]
}): CandidateSource[] {
  const {candidateKey: keys = [], candidateKeyFile: keyFiles = [], candidateConfig: configs = []} = flags
  const fromStandardInput = keyFiles.filter((path) => path === STANDARD_INPUT).length
  if (fromStandardInput > 1) {
    throw new RecoveryError(
      `--candidateKeyFile - is given ${fromStandardInput} times, but standard input holds one key. Nothing was ` +
        'changed.',
      ExitCode.Usage,
      ['Read one candidate from standard input (-) and give the others in files.'],
    )
  }
  const sources: CandidateSource[] = [
    ...keys.map((text, i): CandidateSource => ({kind: 'base64', text, label: `--candidateKey #${i + 1}`})),
    ...keyFiles.map((path): CandidateSource => ({
      kind: 'file',
      path,
      label: `--candidateKeyFile ${describeKeyFile(path)}`,
    })),
    ...configs.map((path): CandidateSource => ({kind: 'config', path, label: `--candidateConfig ${path}`})),
  ]
  for (const source of sources) {
    if (source.kind !== 'base64') continue
    try {
      masterKeyFromBase64(source.text)
    } catch (error) {
      throw aboutCandidate(error, source)
    }
  }
  return sources
}

/** One candidate's key: from the flag's text, its key file (or standard input), or its old config. */
async function readCandidateKey(source: CandidateSource, env: NodeJS.ProcessEnv): Promise<Buffer> {
  if (source.kind === 'file') return masterKeyFromBase64(await readKeyFile(source.path))
  return readOldMasterKey(source, env)
}

/**
 * Every candidate's key, in the order given; an old config is unsealed on this machine by the same code as the
 * current one (`MASTER_KEY` ignored). A key given twice counts once, under its first source.
 */
export async function readCandidateKeys(
  sources: readonly CandidateSource[],
  env: NodeJS.ProcessEnv,
): Promise<CandidateKey[]> {
  const candidates: CandidateKey[] = []
  for (const source of sources) {
    const key = await readCandidateKey(source, env).catch((error: unknown) => {
      throw aboutCandidate(error, source)
    })
    const fingerprint = keyFingerprint(key)
    const configPath = source.kind === 'config' ? source.path : undefined
    if (candidates.some((c) => c.key.equals(key))) continue
    candidates.push({key, fingerprint, source: source.label, configPath})
  }
  return candidates
}
