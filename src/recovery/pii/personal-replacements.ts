/**
 * The old values of every person (username, display name, e-mail address) and what replaces each, so that
 * free text such as an audit message can have every occurrence replaced in one pass.
 */
export class PersonalReplacements {
  private readonly replacements = new Map<string, string>()
  private pattern: RegExp | undefined

  add(oldValue: string | null | undefined, replacement: string): void {
    if (!oldValue || oldValue === replacement || this.replacements.has(oldValue)) return
    this.replacements.set(oldValue, replacement)
    this.pattern = undefined
  }

  /** The replacement of a whole value, or undefined when it is nobody's. */
  exact(value: string): string | undefined {
    return this.replacements.get(value)
  }

  /** `text` with every occurrence of any old value replaced (longest first, so an e-mail wins over its username). */
  inText(text: string): string {
    if (this.replacements.size === 0) return text
    this.pattern ??= new RegExp(
      [...this.replacements.keys()]
        .sort((a, b) => b.length - a.length)
        .map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    )
    return text.replace(this.pattern, (match) => this.replacements.get(match) ?? match)
  }

  get size(): number {
    return this.replacements.size
  }
}
