import {invalidConnectionString} from '../../database-errors.js'

/** The ADO.NET keywords this tool understands, each under every synonym SqlClient accepts. */
const SYNONYMS = {
  server: ['server', 'data source', 'address', 'addr', 'network address'],
  database: ['database', 'initial catalog'],
  user: ['user id', 'uid', 'user', 'userid'],
  password: ['password', 'pwd'],
  integratedSecurity: ['integrated security', 'trusted_connection'],
  trustServerCertificate: ['trustservercertificate', 'trust server certificate'],
  encrypt: ['encrypt'],
  connectTimeout: ['connect timeout', 'connection timeout', 'timeout'],
  applicationName: ['application name', 'app'],
  multiSubnetFailover: ['multisubnetfailover', 'multi subnet failover'],
  authentication: ['authentication'],
} as const

export type AdoKeyword = keyof typeof SYNONYMS

const CANONICAL = new Map<string, AdoKeyword>(
  Object.entries(SYNONYMS).flatMap(([keyword, names]) => names.map((name) => [name, keyword as AdoKeyword])),
)

/**
 * Reads an ADO.NET connection string (`Key=Value;...`): keys case-insensitive with their synonyms, values
 * trimmed or quoted with '...' or "..." (the quote doubled inside), the last of a repeated key wins, keys
 * this tool has no use for (Pooling, Max Pool Size, ...) are ignored. Errors name a part by its position,
 * never by its text, which may be a piece of the password.
 */
export function readAdoKeywords(text: string): Map<AdoKeyword, string> {
  const keywords = new Map<AdoKeyword, string>()
  let position = 0
  let part = 0
  for (;;) {
    while (position < text.length && (text[position] === ';' || /\s/.test(text[position]))) position++
    if (position >= text.length) return keywords
    part++
    const equals = text.indexOf('=', position)
    const semicolon = text.indexOf(';', position)
    if (equals === -1 || (semicolon !== -1 && semicolon < equals)) {
      throw invalidConnectionString(`part ${part} is not Key=Value (a value containing ';' must be quoted)`)
    }

    const key = text.slice(position, equals).trim().toLowerCase().replaceAll(/\s+/g, ' ')
    if (key === '') throw invalidConnectionString(`part ${part} has no keyword before '='`)
    const value = readValue(text, equals + 1, part)
    position = value.end
    const keyword = CANONICAL.get(key)
    if (keyword) keywords.set(keyword, value.text)
  }
}

function readValue(text: string, start: number, part: number): {text: string; end: number} {
  let position = start
  while (position < text.length && text[position] !== ';' && /\s/.test(text[position])) position++
  const quote = text[position]
  if (quote !== '"' && quote !== "'") {
    const end = text.indexOf(';', position)
    const stop = end === -1 ? text.length : end
    return {text: text.slice(position, stop).trim(), end: stop}
  }

  let value = ''
  position++
  for (;;) {
    const close = text.indexOf(quote, position)
    if (close === -1) throw invalidConnectionString(`the quoted value of part ${part} is never closed`)
    value += text.slice(position, close)
    if (text[close + 1] === quote) {
      value += quote
      position = close + 2
      continue
    }

    position = close + 1
    while (position < text.length && text[position] !== ';' && /\s/.test(text[position])) position++
    if (position < text.length && text[position] !== ';') {
      throw invalidConnectionString(`part ${part} has text after its closing quote`)
    }

    return {text: value, end: position}
  }
}
