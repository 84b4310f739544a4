/**
 * Splits what a PostgreSQL client sends into whole protocol messages (PostgreSQL docs, "Message Formats"): first
 * an untyped startup message (or an SSLRequest and then one), then typed ones: a byte, an int32 length counting
 * itself, the body.
 */
export interface FrontendMessage {
  /** The type byte ('Q' simple query, 'P' parse, …), or '' for the startup message. */
  readonly type: string
  /** The whole message, to relay as it came. */
  readonly bytes: Buffer
  /**
   * The SQL a message runs: a Query's, or a Bind's (the statement an earlier Parse named: a prepared statement is
   * parsed once and then only bound and run); '' for any other.
   */
  readonly sql: string
}

const SSL_REQUEST_CODE = 80_877_103

export class FrontendMessages {
  private pending = Buffer.alloc(0)
  private startup = true
  /** The SQL of each statement a Parse named on this connection ('' is the unnamed one). */
  private readonly parsed = new Map<string, string>()

  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk])
  }

  /** The next whole message, or undefined until more bytes arrive. */
  next(): FrontendMessage | undefined {
    const typed = !this.startup
    const header = typed ? 5 : 4
    if (this.pending.length < header) return undefined
    const length = typed ? this.pending.readInt32BE(1) + 1 : this.pending.readInt32BE(0)
    if (this.pending.length < length) return undefined
    const bytes = this.pending.subarray(0, length)
    this.pending = this.pending.subarray(length)
    if (!typed) {
      // An SSLRequest is answered with one byte, then the real startup message follows.
      if (length !== 8 || bytes.readInt32BE(4) !== SSL_REQUEST_CODE) this.startup = false
      return {type: '', bytes, sql: ''}
    }
    const type = String.fromCharCode(bytes[0])
    return {type, bytes, sql: this.sqlOf(type, bytes.subarray(5))}
  }

  /**
   * Query: the SQL. Parse: a statement name, then the SQL (kept, not yet run). Bind: a portal name, then the
   * statement's. Each NUL-terminated.
   */
  private sqlOf(type: string, body: Buffer): string {
    if (type === 'Q') return body.toString('utf8', 0, Math.max(0, body.indexOf(0)))
    const [first, second] = cStrings(body, 2)
    if (type === 'P') this.parsed.set(first, second)
    return type === 'B' ? (this.parsed.get(second) ?? '') : ''
  }
}

/** The first `count` NUL-terminated strings of `body`. */
function cStrings(body: Buffer, count: number): string[] {
  const strings: string[] = []
  let start = 0
  for (let index = 0; index < count; index++) {
    const end = body.indexOf(0, start)
    strings.push(body.toString('utf8', start, end))
    start = end + 1
  }
  return strings
}
