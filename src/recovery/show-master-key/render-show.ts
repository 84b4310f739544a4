import {masterKeyToBase64} from '../../crypto/master-key.js'
import {describeKeyTest} from '../key-proof/test-the-key.js'
import type {ShownKey} from './run.js'
import {describeShownSource} from './show-steps.js'

/** The key's standing on the database, in the operator's words, with what to do when it is not proven. */
function databaseLines(shown: ShownKey): string[] {
  const {finding} = shown
  if (finding.state === 'not-checked') {
    return [
      `Database:   not tested: ${finding.reason}`,
      'The key above could not be tested on the database: run server:check-master-key where the database can be ' +
        'reached before you rely on this backup.',
    ]
  }
  const lines = [`Database:   ${finding.database}: ${describeKeyTest(finding.verdict)}.`]
  if (finding.verdict.proof !== 'proven')
    lines.push(
      'WARNING: this key is not proven on the database (docs/recovery.md, "The proof of a key"): a backup of it may ' +
        'not open this server. Run server:check-master-key.',
    )
  return lines
}

/** The text form: the key on a line of its own, its source, its proof on the database. */
export function renderShow(shown: ShownKey): string {
  return [
    `Master key: ${masterKeyToBase64(shown.key)}`,
    `Source:     ${describeShownSource(shown.source)} (config ${shown.configPath})`,
    ...databaseLines(shown),
    '',
    'Store it in your password manager or vault, apart from the database backups: it opens every secret in them.',
  ].join('\n')
}

/** The JSON form (`--format json` and `--json`): the same facts. */
export function showJson(shown: ShownKey) {
  const {finding} = shown
  return {
    masterKey: masterKeyToBase64(shown.key),
    source: {kind: shown.source.kind, path: 'path' in shown.source ? (shown.source.path ?? null) : null},
    configPath: shown.configPath,
    database:
      finding.state === 'checked'
        ? {
            tested: true,
            database: finding.database,
            proof: finding.verdict.proof,
            detail: describeKeyTest(finding.verdict),
          }
        : {tested: false, database: null, proof: null, detail: finding.reason},
  }
}
