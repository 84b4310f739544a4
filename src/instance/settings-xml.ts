import {decodeXmlText, isXmlCharacter, lineAt, normalizeLineEndings, XmlSyntaxError} from './xml-text.js'

/** Where an element sits in the text (UTF-16 offsets), so an edit can touch exactly what it must. */
export interface ElementSpan {
  /** The "<" of the start tag. */
  readonly start: number
  /** Just after the last attribute (before any whitespace and ">" or "/>"). */
  readonly attributesEnd: number
  /** Just after the start tag; for a self-closing element, equal to `end`. */
  readonly contentStart: number
  /** The "<" of the end tag; for a self-closing element, equal to `end`. */
  readonly contentEnd: number
  /** Just after the element. */
  readonly end: number
  readonly selfClosing: boolean
}

/** One `<set key="...">value</set>`. */
export interface SetElement extends ElementSpan {
  readonly key: string
  readonly value: string
}

export interface SettingsLayout {
  readonly root: ElementSpan
  /** In file order. */
  readonly sets: readonly SetElement[]
}

const ROOT = 'octopus-settings'
const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9._:\u00B7\u00C0-\uFFFF]*/y
const WHITESPACE = /[ \t\r\n]*/y

interface StartTag {
  readonly name: string
  readonly start: number
  readonly attributes: ReadonlyMap<string, string>
  readonly attributesEnd: number
  readonly end: number
  readonly selfClosing: boolean
}

/**
 * Reads an Octopus config file: a root `<octopus-settings>` holding `<set key="...">value</set>` elements.
 * A small scanner of exactly the XML such a file uses (declaration, comments, processing instructions,
 * CDATA, entity and character references, either quote style). It keeps positions so edits can leave
 * every other byte alone. A DOCTYPE is refused: a config never has one, and it could define entities.
 * Throws `XmlSyntaxError` at the first problem.
 */
export function parseSettingsXml(text: string): SettingsLayout {
  return new SettingsScanner(text).document()
}

class SettingsScanner {
  private position = 0
  private readonly sets: SetElement[] = []

  constructor(private readonly text: string) {}

  document(): SettingsLayout {
    this.rejectInvalidCharacters()
    if (this.text.startsWith('\uFEFF')) this.position = 1
    const root = this.prolog()
    if (root.name !== ROOT) this.fail(`the root element is <${root.name}>, expected <${ROOT}>`, root.start)
    const span = root.selfClosing ? selfClosingSpan(root) : this.content(root, (child) => this.child(child))
    this.epilog()
    this.rejectDuplicateKeys()
    return {root: span, sets: this.sets}
  }

  private child(tag: StartTag): void {
    if (tag.name === 'set') this.sets.push(this.set(tag))
    else this.skipElement(tag)
  }

  private set(tag: StartTag): SetElement {
    const key = tag.attributes.get('key')
    if (key === undefined) this.fail('a <set> element has no key attribute', tag.start)
    if (tag.selfClosing) return {...selfClosingSpan(tag), key, value: ''}
    let value = ''
    const span = this.content(
      tag,
      (child) => this.fail(`the <set key="${key}"> element holds an element <${child.name}>`, child.start),
      (text) => {
        value += text
      },
    )
    return {...span, key, value}
  }

  private skipElement(tag: StartTag): void {
    if (!tag.selfClosing) this.content(tag, (child) => this.skipElement(child))
  }

  /** Everything before the root element; returns the root's start tag. */
  private prolog(): StartTag {
    if (this.at('<?xml') && /[ \t\r\n?]/.test(this.text[this.position + 5] ?? '')) {
      this.skipPast('<?xml', '?>', 'the XML declaration')
    }

    for (;;) {
      this.skipWhitespace()
      if (this.atEnd()) this.fail(`expected the root element <${ROOT}>, found the end of the file`)
      if (this.skipMiscellaneous()) continue
      if (this.at('<!DOCTYPE')) this.fail('a DOCTYPE declaration is not allowed in a config file')
      if (this.at('<') && !this.at('<!') && !this.at('</')) return this.startTag()
      this.fail(`expected the root element <${ROOT}>, found ${this.excerpt()}`)
    }
  }

  /** After the root element only whitespace, comments and processing instructions may follow. */
  private epilog(): void {
    for (;;) {
      this.skipWhitespace()
      if (this.atEnd()) return
      if (!this.skipMiscellaneous()) this.fail(`unexpected ${this.excerpt()} after </${ROOT}>`)
    }
  }

  /**
   * Reads an element's content up to and including its end tag: text and CDATA go to `onText`, child
   * elements to `onChild` (which must consume them), comments and processing instructions are skipped.
   */
  private content(
    tag: StartTag,
    onChild: (child: StartTag) => void,
    onText: (text: string) => void = () => {},
  ): ElementSpan {
    const contentStart = this.position
    for (;;) {
      const next = this.text.indexOf('<', this.position)
      if (next === -1) this.fail(`<${tag.name}> is not closed`, tag.start)
      onText(decodeXmlText(this.text.slice(this.position, next), this.position, false))
      this.position = next
      if (this.skipMiscellaneous()) continue
      if (this.at('<![CDATA[')) {
        onText(normalizeLineEndings(this.cdata()))
      } else if (this.at('</')) {
        const contentEnd = this.position
        this.endTag(tag)
        return {
          start: tag.start,
          attributesEnd: tag.attributesEnd,
          contentStart,
          contentEnd,
          end: this.position,
          selfClosing: false,
        }
      } else if (this.at('<!')) {
        this.fail(`unexpected ${this.excerpt()} inside <${tag.name}>`)
      } else {
        onChild(this.startTag())
      }
    }
  }

  /** Skips a comment or processing instruction at the position; false when there is none. */
  private skipMiscellaneous(): boolean {
    if (this.at('<!--')) {
      this.skipPast('<!--', '-->', 'a comment')
      return true
    }

    if (this.at('<?')) {
      this.skipPast('<?', '?>', 'a processing instruction')
      return true
    }

    return false
  }

  private cdata(): string {
    const start = this.position
    const textStart = start + '<![CDATA['.length
    const end = this.text.indexOf(']]>', textStart)
    if (end === -1) this.fail('a CDATA section is not closed', start)
    this.position = end + ']]>'.length
    return this.text.slice(textStart, end)
  }

  private startTag(): StartTag {
    const start = this.position
    this.position += 1
    const name = this.name('an element name')
    const attributes = new Map<string, string>()
    for (;;) {
      const attributesEnd = this.position
      const spaced = this.skipWhitespace()
      if (this.at('/>') || this.at('>')) {
        const selfClosing = this.at('/>')
        this.position += selfClosing ? 2 : 1
        return {name, start, attributes, attributesEnd, end: this.position, selfClosing}
      }

      if (this.atEnd()) this.fail(`the start tag <${name}> is not closed`, start)
      if (!spaced) this.fail(`expected whitespace, ">" or "/>" in the start tag <${name}>`)
      this.attribute(name, attributes)
    }
  }

  private attribute(element: string, attributes: Map<string, string>): void {
    const start = this.position
    const name = this.name(`an attribute name in <${element}>`)
    this.skipWhitespace()
    if (!this.at('=')) this.fail(`the attribute ${name} in <${element}> has no "="`)
    this.position += 1
    this.skipWhitespace()
    const quote = this.text[this.position]
    if (quote !== '"' && quote !== "'") this.fail(`the value of the attribute ${name} in <${element}> is not quoted`)
    const valueStart = this.position + 1
    const valueEnd = this.text.indexOf(quote, valueStart)
    if (valueEnd === -1) this.fail(`the value of the attribute ${name} in <${element}> is not closed`, start)
    const raw = this.text.slice(valueStart, valueEnd)
    if (raw.includes('<'))
      this.fail(`a "<" inside the value of the attribute ${name} (write "&lt;")`, valueStart + raw.indexOf('<'))
    if (attributes.has(name)) this.fail(`the attribute ${name} appears twice in <${element}>`, start)
    attributes.set(name, decodeXmlText(raw, valueStart, true))
    this.position = valueEnd + 1
  }

  private endTag(tag: StartTag): void {
    const start = this.position
    this.position += 2
    const name = this.name('an element name in an end tag')
    if (name !== tag.name) this.fail(`expected </${tag.name}>, found </${name}>`, start)
    this.skipWhitespace()
    if (!this.at('>')) this.fail(`the end tag </${name}> is not closed`, start)
    this.position += 1
  }

  private name(what: string): string {
    NAME.lastIndex = this.position
    const match = NAME.exec(this.text)
    if (!match) this.fail(`expected ${what}`)
    this.position = NAME.lastIndex
    return match[0]
  }

  /** Skips XML whitespace; true when there was some. */
  private skipWhitespace(): boolean {
    WHITESPACE.lastIndex = this.position
    WHITESPACE.exec(this.text)
    const moved = WHITESPACE.lastIndex > this.position
    this.position = WHITESPACE.lastIndex
    return moved
  }

  private skipPast(opener: string, terminator: string, what: string): void {
    const start = this.position
    const end = this.text.indexOf(terminator, start + opener.length)
    if (end === -1) this.fail(`${what} is not closed`, start)
    this.position = end + terminator.length
  }

  private rejectInvalidCharacters(): void {
    for (let index = 0; index < this.text.length; index++) {
      const codePoint = this.text.codePointAt(index) ?? 0
      if (!isXmlCharacter(codePoint)) {
        this.fail(`a character XML does not allow (U+${codePoint.toString(16).toUpperCase().padStart(4, '0')})`, index)
      }

      if (codePoint > 0xffff) index++
    }
  }

  private rejectDuplicateKeys(): void {
    const seen = new Map<string, SetElement>()
    for (const set of this.sets) {
      const first = seen.get(set.key)
      if (first)
        this.fail(`the key "${set.key}" is set twice (first at line ${lineAt(this.text, first.start)})`, set.start)
      seen.set(set.key, set)
    }
  }

  private at(literal: string): boolean {
    return this.text.startsWith(literal, this.position)
  }

  private atEnd(): boolean {
    return this.position >= this.text.length
  }

  /** What is at the position, for messages: markup is quoted, text never is (it may be a secret). */
  private excerpt(): string {
    if (!this.at('<')) return 'text'
    return `"${/^<[!?/]?[^\s<>"'/]{0,20}/.exec(this.text.slice(this.position))?.[0]}"`
  }

  private fail(reason: string, offset = this.position): never {
    throw new XmlSyntaxError(reason, offset)
  }
}

function selfClosingSpan(tag: StartTag): ElementSpan {
  return {
    start: tag.start,
    attributesEnd: tag.attributesEnd,
    contentStart: tag.end,
    contentEnd: tag.end,
    end: tag.end,
    selfClosing: true,
  }
}
