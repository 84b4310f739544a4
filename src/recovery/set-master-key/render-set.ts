import {describeKeySource} from '../../instance/machine-key-sources.js'
import {describeKeyTest} from '../key-proof/test-the-key.js'
import type {SetResult} from './run.js'

function proofLine(result: SetResult): string {
  if (result.proof === 'skipped')
    return 'Proof:      skipped (--skipDatabaseCheck): run server:check-master-key once the database can be reached.'
  return `Proof:      ${result.database}: ${describeKeyTest(result.proof)}.`
}

function nextSteps(result: SetResult): string[] {
  const steps = ['Restart the Octopus Server service on this node: it reads its key at start.']
  if (result.masterKeyVariableSet)
    steps.unshift(
      'MASTER_KEY is set: the server takes its key from it, not from the config. Set it to the same key, or unset it.',
    )
  return steps
}

/** The text form: what was written where, how the key was judged, what to do next; never the key. */
export function renderSet(result: SetResult): string {
  const {outcome} = result
  const lines =
    outcome.kind === 'already-sealed'
      ? [
          `The config ${result.configPath} already holds this key, sealed with ` +
            `${describeKeySource(outcome.sealedWith)}: nothing was written.`,
        ]
      : [
          `The master key (${result.whence}) is sealed into ${result.configPath} with ` +
            `${describeKeySource(outcome.sealedWith)}.`,
          `Previous config kept at ${outcome.previousConfigCopy} (mode 0600): delete it once the server starts.`,
        ]
  lines.push(proofLine(result), 'No data was changed.', '', 'Next:', ...nextSteps(result).map((s) => `  - ${s}`))
  return lines.join('\n')
}

/** The `--json` form: the same facts. */
export function setJson(result: SetResult) {
  const {outcome} = result
  return {
    outcome: outcome.kind,
    configPath: result.configPath,
    keyFrom: result.whence,
    sealedWith: outcome.sealedWith,
    previousConfigCopy: outcome.kind === 'sealed' ? outcome.previousConfigCopy : null,
    proof:
      result.proof === 'skipped'
        ? {verdict: 'skipped', database: null, detail: 'skipped (--skipDatabaseCheck)'}
        : {verdict: result.proof.proof, database: result.database ?? null, detail: describeKeyTest(result.proof)},
    nextSteps: nextSteps(result),
  }
}
