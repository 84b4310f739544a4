import {EXIT_CODES, type ExitCodeEntry} from '../../src/exit-codes.js'

/** The README's exit-code table sits between these markers; `npm run readme` rewrites it. */
export const EXIT_CODES_START = '<!-- exit-codes -->'
export const EXIT_CODES_STOP = '<!-- exit-codesstop -->'

const onlyFor = ({onlyFor}: ExitCodeEntry) => (onlyFor ? ` (only ${onlyFor.map((id) => `\`${id}\``).join(', ')})` : '')

/** The table, generated from src/exit-codes.ts, with its markers. */
export function exitCodeBlock(): string {
  const rows = EXIT_CODES.map(
    (entry: ExitCodeEntry) => `| ${entry.code} | \`${entry.name}\` | ${entry.meaning}${onlyFor(entry)} |`,
  )
  return [EXIT_CODES_START, '| code | name | meaning |', '|---|---|---|', ...rows, EXIT_CODES_STOP].join('\n')
}

/** `readme` with its exit-code block (markers included), or undefined when it has no markers. */
export function findExitCodeBlock(readme: string): {start: number; end: number} | undefined {
  const start = readme.indexOf(EXIT_CODES_START)
  const stop = readme.indexOf(EXIT_CODES_STOP, start)
  if (start < 0 || stop < 0) return undefined
  return {start, end: stop + EXIT_CODES_STOP.length}
}
