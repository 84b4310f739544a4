/** A generated block of a Markdown file: the text between `<!-- name -->` and `<!-- namestop -->`, markers included. */
export interface MarkedBlock {
  readonly start: string
  readonly stop: string
}

export const markedBlock = (name: string): MarkedBlock => ({start: `<!-- ${name} -->`, stop: `<!-- ${name}stop -->`})

/** Where `block` sits in `text` (markers included), or undefined when the markers are missing. */
export function findBlock(text: string, block: MarkedBlock): {start: number; end: number} | undefined {
  const start = text.indexOf(block.start)
  const stop = text.indexOf(block.stop, start)
  if (start < 0 || stop < 0) return undefined
  return {start, end: stop + block.stop.length}
}

/** `text` with the block replaced by `lines` between its markers; throws when the markers are missing. */
export function fillBlock(text: string, block: MarkedBlock, lines: readonly string[], file: string): string {
  const at = findBlock(text, block)
  if (!at) throw new Error(`${file} has no ${block.start} block to fill.`)
  return text.slice(0, at.start) + [block.start, ...lines, block.stop].join('\n') + text.slice(at.end)
}
