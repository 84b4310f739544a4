/**
 * Statement texts and names a run makes over and over (a batch's UPDATE, the combined write, a prepared statement's
 * name), made once and then found by key. The same string object comes back each time, so the driver's own lookups
 * by text hash it once. Emptied when it reaches `kept` entries: a run meets a few dozen, and the bound only stops an
 * unusual run from growing it without end.
 */
export class BoundedCache<Value> {
  private readonly entries = new Map<string, Value>()

  constructor(private readonly kept: number) {}

  get(key: string, make: () => Value): Value {
    let value = this.entries.get(key)
    if (value === undefined) {
      if (this.entries.size === this.kept) this.entries.clear()
      value = make()
      this.entries.set(key, value)
    }
    return value
  }
}
