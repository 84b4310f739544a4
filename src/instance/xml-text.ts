/** A place where the text is not the XML this plugin reads; `offset` is where, in UTF-16 units. */
export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason)
    this.name = 'XmlSyntaxError'
  }
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"}
// Longest reference worth reading: "&#x10FFFF;" or "&#1114111;" with leading zeros.
const MAX_REFERENCE_LENGTH = 16

/** The characters XML 1.0 allows (§2.2), as a code-point test. */
export function isXmlCharacter(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  )
}

/** The line (from 1) holding `offset`; CRLF, LF and a lone CR each end a line. */
export function lineAt(text: string, offset: number): number {
  return (text.slice(0, offset).match(/\r\n|\r|\n/g)?.length ?? 0) + 1
}

/**
 * The value of raw character data or an attribute value, as an XML parser reports it: line endings
 * normalized to LF (§2.11), in attributes tabs and line breaks turned into spaces (§3.3.3), then
 * entity and character references resolved. `offset` is where `raw` starts, for error positions.
 */
export function decodeXmlText(raw: string, offset: number, inAttribute: boolean): string {
  let decoded = ''
  let position = 0
  while (position < raw.length) {
    const ampersand = raw.indexOf('&', position)
    const literalEnd = ampersand === -1 ? raw.length : ampersand
    decoded += normalizeLiteral(raw.slice(position, literalEnd), inAttribute)
    if (ampersand === -1) break
    const semicolon = raw.indexOf(';', ampersand)
    if (semicolon === -1 || semicolon - ampersand > MAX_REFERENCE_LENGTH) {
      throw new XmlSyntaxError('an "&" that does not start an entity reference (write "&amp;")', offset + ampersand)
    }

    decoded += resolveReference(raw.slice(ampersand + 1, semicolon), offset + ampersand)
    position = semicolon + 1
  }

  return decoded
}

/** The text of a CDATA section: only line endings are normalized. */
export function normalizeLineEndings(raw: string): string {
  return raw.replaceAll(/\r\n?/g, '\n')
}

/** Escapes a value for element content, so that reading it back gives exactly `value`. */
export function escapeXmlText(value: string): string {
  assertStorable(value)
  // ">" too, so "]]>" never appears; CR as a reference, or a reader would turn it into LF.
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\r', '&#13;')
}

/** Escapes a value for a double-quoted attribute, so that reading it back gives exactly `value`. */
export function escapeXmlAttribute(value: string): string {
  assertStorable(value)
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll('\t', '&#9;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;')
}

function normalizeLiteral(literal: string, inAttribute: boolean): string {
  const normalized = normalizeLineEndings(literal)
  return inAttribute ? normalized.replaceAll(/[\t\n]/g, ' ') : normalized
}

// Messages never quote the reference: it sits inside a value, which may be a secret.
function resolveReference(name: string, offset: number): string {
  const predefined = PREDEFINED_ENTITIES[name]
  if (predefined !== undefined) return predefined
  const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(name)
  if (!numeric)
    throw new XmlSyntaxError(
      'an unknown entity reference (only &amp; &lt; &gt; &quot; &apos; and &#...; are allowed)',
      offset,
    )
  const codePoint = numeric[1] === undefined ? Number.parseInt(numeric[2], 10) : Number.parseInt(numeric[1], 16)
  if (!isXmlCharacter(codePoint))
    throw new XmlSyntaxError('a character reference to a character XML does not allow', offset)
  return String.fromCodePoint(codePoint)
}

function assertStorable(value: string): void {
  for (const character of value) {
    if (!isXmlCharacter(character.codePointAt(0) ?? 0)) {
      throw new RangeError('The value holds a character an XML file cannot store')
    }
  }
}
