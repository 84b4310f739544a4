/** One replacement of a value's source span. */
export interface JsonEdit {
  readonly start: number
  readonly end: number
  readonly replacement: string
}

/** Applies non-overlapping edits to `text`; every byte outside them is kept. */
export function spliceJson(text: string, edits: readonly JsonEdit[]): string {
  if (edits.length === 0) return text
  const sorted = [...edits].sort((a, b) => a.start - b.start)
  const parts: string[] = []
  let at = 0
  for (const edit of sorted) {
    if (edit.start < at) throw new Error('overlapping JSON edits')
    parts.push(text.slice(at, edit.start), edit.replacement)
    at = edit.end
  }
  parts.push(text.slice(at))
  return parts.join('')
}
