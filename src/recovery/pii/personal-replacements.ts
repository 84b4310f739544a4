import {WholeNameReplacer} from './whole-names.js'

/**
 * The old values of every person (username, display name, e-mail address) and what replaces each, so that
 * free text such as an audit message can have every whole occurrence replaced in one pass.
 */
export class PersonalReplacements {
  private readonly replacements = new Map<string, string>()
  private replacer: WholeNameReplacer | undefined

  add(oldValue: string | null | undefined, replacement: string): void {
    if (!oldValue || oldValue === replacement || this.replacements.has(oldValue)) return
    this.replacements.set(oldValue, replacement)
    this.replacer = undefined
  }

  /** The replacement of a whole value, or undefined when it is nobody's. */
  exact(value: string): string | undefined {
    return this.replacements.get(value)
  }

  /**
   * `text` with every whole occurrence of any old value replaced; one inside a longer word, e-mail address or
   * Id (`admin` in `Teams-administrators`) stays (docs/catalog.md, "Whole-name scrubbing").
   */
  inText(text: string): string {
    return this.inSpan(text, 0, text.length) ?? text
  }

  /**
   * inText of `text.slice(start, end)`, or undefined when it holds no name; the code units beside the span must be
   * boundaries, as a JSON string's quotes are (WholeNameReplacer.replaceIn).
   */
  inSpan(text: string, start: number, end: number): string | undefined {
    if (this.replacements.size === 0) return undefined
    this.replacer ??= new WholeNameReplacer(this.replacements)
    return this.replacer.replaceIn(text, start, end)
  }

  get size(): number {
    return this.replacements.size
  }
}
