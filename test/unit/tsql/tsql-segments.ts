/** A piece of T-SQL text: code, or something whose content is not SQL syntax. */
export interface Segment {
  kind: 'code' | 'string' | 'quoted-identifier' | 'comment'
  text: string
}

/**
 * Splits T-SQL into code, string literals ('..', N'..', with '' inside), quoted identifiers ("..", [..],
 * with the closing character doubled inside) and comments (-- and /* *\/), so rules about keywords look
 * only at code and rules about names look only at identifiers.
 */
export function segments(text: string): Segment[] {
  const result: Segment[] = []
  let code = ''
  let position = 0
  const flushCode = () => {
    if (code) result.push({kind: 'code', text: code})
    code = ''
  }

  while (position < text.length) {
    const char = text[position]
    const next = text[position + 1]
    if (char === '-' && next === '-') {
      const end = text.indexOf('\n', position)
      flushCode()
      const stop = end === -1 ? text.length : end
      result.push({kind: 'comment', text: text.slice(position, stop)})
      position = stop
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', position + 2)
      flushCode()
      const stop = end === -1 ? text.length : end + 2
      result.push({kind: 'comment', text: text.slice(position, stop)})
      position = stop
    } else if (char === "'" || char === '"' || char === '[') {
      const close = char === '[' ? ']' : char
      const stop = closingPosition(text, position + 1, close)
      flushCode()
      result.push({kind: char === "'" ? 'string' : 'quoted-identifier', text: text.slice(position, stop)})
      position = stop
    } else {
      code += char
      position++
    }
  }

  flushCode()
  return result
}

/** The position just past the closing character, skipping doubled ones; the end of the text if never closed. */
function closingPosition(text: string, from: number, close: string): number {
  let position = from
  for (;;) {
    const found = text.indexOf(close, position)
    if (found === -1) return text.length
    if (text[found + 1] !== close) return found + 1
    position = found + 2
  }
}
