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
  /** The SQL of a Query or Parse message; '' for any other. */
  readonly sql: string
}

const SSL_REQUEST_CODE = 80_877_103

export class FrontendMessages {
  private pending = Buffer.alloc(0)
  private startup = true

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
    return {type, bytes, sql: sqlOf(type, bytes.subarray(5))}
  }
}

/** Query: the SQL, NUL-terminated. Parse: a statement name, then the SQL, each NUL-terminated. */
function sqlOf(type: string, body: Buffer): string {
  if (type === 'Q') return body.toString('utf8', 0, Math.max(0, body.indexOf(0)))
  if (type !== 'P') return ''
  const start = body.indexOf(0) + 1
  return body.toString('utf8', start, body.indexOf(0, start))
}
