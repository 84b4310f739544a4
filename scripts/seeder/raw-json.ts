/**
 * Documents are built as plain values and written with this serializer rather than JSON.stringify, because
 * some of their text cannot survive a JS object at all: integers beyond 2^53, `1.50`, `1e5`, `\u00e9`
 * escapes, integer-like keys after named ones. Such text is held verbatim in a RawJson and emitted as is.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * A slot a generator wants to hold a readable ciphertext where the catalog's conditions do NOT hold (an OIDC
 * account's `Password`, a plain template's default): a reset must leave it alone. The seeder fills it (decoys.ts).
 */
export class Decoy {
  constructor(readonly kind: string) {}
}

export type JsonValue = null | boolean | number | string | RawJson | Decoy | JsonValue[] | {[key: string]: JsonValue}

export function toJsonText(value: JsonValue): string {
  if (value instanceof RawJson) return value.text
  if (value instanceof Decoy) throw new Error(`A decoy (${value.kind}) was written before it was filled.`)
  if (Array.isArray(value)) return '[' + value.map((item) => toJsonText(item)).join(',') + ']'
  if (value !== null && typeof value === 'object') {
    const parts: string[] = []
    for (const key of Object.keys(value)) parts.push(JSON.stringify(key) + ':' + toJsonText(value[key]))
    return '{' + parts.join(',') + '}'
  }
  return JSON.stringify(value)
}
