import {EXIT_CODES, type ExitCodeEntry} from '../../src/exit-codes.js'
import {markedBlock} from './marked-block.js'

/** The README's exit-code table sits in this block; `npm run readme` rewrites it. */
export const EXIT_CODES_BLOCK = markedBlock('exit-codes')

const onlyFor = ({onlyFor}: ExitCodeEntry) => (onlyFor ? ` (only ${onlyFor.map((id) => `\`${id}\``).join(', ')})` : '')

/** The table's lines, generated from src/exit-codes.ts. */
export function exitCodeLines(): string[] {
  const rows = EXIT_CODES.map(
    (entry: ExitCodeEntry) => `| ${entry.code} | \`${entry.name}\` | ${entry.meaning}${onlyFor(entry)} |`,
  )
  return ['| code | name | meaning |', '|---|---|---|', ...rows]
}
