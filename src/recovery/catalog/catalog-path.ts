/**
 * The syntax of the catalog's paths (docs/catalog.md): `Name` is a property, `Name[]` every element of an array,
 * `*` every value of an object, and `["Key.With.Dots"]` a property whose name has dots or other punctuation
 * (a JSON string in brackets, written after a dot or straight after the previous key:
 * `DisplaySettings["Octopus.ControlType"]`). Parsed here once, for the reset's walker and the seeder's.
 */

export type CatalogSegment =
  {readonly kind: 'key'; readonly key: string; readonly each: boolean} | {readonly kind: 'values'}

/** A catalog path that does not follow the syntax: a mistake in the catalog itself, not in a document. */
export class CatalogPathError extends Error {
  constructor(path: string, at: number, problem: string) {
    super(`Catalog path ${JSON.stringify(path)}, at character ${at + 1}: ${problem}.`)
  }
}

const NAME_END = new Set(['.', '[', ']', '"', '*'])

export function parseCatalogPath(path: string): CatalogSegment[] {
  const segments: CatalogSegment[] = []
  let at = 0
  for (;;) {
    if (path[at] === '*') {
      segments.push({kind: 'values'})
      at++
    } else {
      let key: string
      ;[key, at] = path[at] === '[' ? quotedKey(path, at) : plainKey(path, at)
      const each = path.startsWith('[]', at)
      if (each) at += 2
      segments.push({kind: 'key', key, each})
    }

    if (at === path.length) return segments
    if (path[at] === '.') at++
    else if (!path.startsWith('["', at)) throw new CatalogPathError(path, at, 'expected ".", "[\\"" or the end')
  }
}

/** The keys of a `when` condition's path, which names nested properties only (no `[]`, no `*`). */
export function parseConditionKeys(path: string): string[] {
  return parseCatalogPath(path).map((segment) => {
    if (segment.kind !== 'key' || segment.each) {
      throw new CatalogPathError(path, 0, 'a condition names properties only, without "[]" or "*"')
    }
    return segment.key
  })
}

function plainKey(path: string, start: number): [string, number] {
  let at = start
  while (at < path.length && !NAME_END.has(path[at])) at++
  if (at === start) throw new CatalogPathError(path, start, 'expected a property name')
  return [path.slice(start, at), at]
}

/** `["..."]`: the key is a JSON string, so a quote or backslash in it is escaped as in JSON. */
function quotedKey(path: string, start: number): [string, number] {
  if (path[start + 1] !== '"') throw new CatalogPathError(path, start, 'expected "[\\"" to open a quoted key')
  let at = start + 2
  while (at < path.length && path[at] !== '"') at += path[at] === '\\' ? 2 : 1
  if (at >= path.length || path[at + 1] !== ']') {
    throw new CatalogPathError(path, start, 'a quoted key must end with "\\"]"')
  }
  let key: string
  try {
    key = JSON.parse(path.slice(start + 1, at + 1)) as string
  } catch {
    throw new CatalogPathError(path, start, 'a quoted key must be a JSON string')
  }

  if (key === '') throw new CatalogPathError(path, start, 'a quoted key must not be empty')
  return [key, at + 2]
}
