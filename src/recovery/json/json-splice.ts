/** One replacement of a value's source span. */
export interface JsonEdit {
  readonly start: number
  readonly end: number
  readonly replacement: string
}

/** Applies non-overlapping edits to `text`; every byte outside them is kept. */
export function spliceJson(text: string, edits: readonly JsonEdit[]): string {
  if (edits.length === 0) return text
  // The reset lists a document's edits mostly in order already: sort a copy only when they are not.
  let ordered = true
  for (let index = 1; index < edits.length && ordered; index++) ordered = edits[index - 1].start <= edits[index].start
  const sorted = ordered ? edits : [...edits].sort((a, b) => a.start - b.start)
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
