import {antlr4tsSQL, SQLDialect, type ANTLRErrorListener} from 'antlr4ts-sql'

import {segments} from './tsql-segments.js'

/** SQL Server's limit on the parameters of one request. */
export const MAX_PARAMETERS = 2100

/** A statement as the SQL Server dialect compiled it. */
export interface Statement {
  sql: string
  parameters: readonly unknown[]
}

/** Why `statement` would fail or misbehave on SQL Server; empty when it passes every rule. */
export function tsqlProblems(statement: Statement): string[] {
  return [
    ...parameterProblems(statement),
    ...clauseProblems(statement.sql),
    ...nameProblems(statement.sql),
    ...syntaxProblems(statement.sql),
  ]
}

function parameterProblems({parameters}: Statement): string[] {
  return parameters.length > MAX_PARAMETERS
    ? [`${parameters.length} parameters: SQL Server allows ${MAX_PARAMETERS} (send the batch as one JSON parameter)`]
    : []
}

/** Clauses other dialects have and T-SQL does not, found in code only (not in strings, names or comments). */
function clauseProblems(text: string): string[] {
  const code = segments(text)
    .map((segment) => (segment.kind === 'code' ? segment.text : ' '))
    .join('')
    .toLowerCase()
  const problems: string[] = []
  if (/\blimit\b/.test(code)) problems.push('LIMIT is not T-SQL: use TOP (n)')
  if (/\breturning\b/.test(code)) problems.push('RETURNING is not T-SQL: use OUTPUT')
  const offset = code.search(/\boffset\b/)
  const orderBy = code.search(/\border\s+by\b/)
  if (offset !== -1 && (orderBy === -1 || orderBy > offset))
    problems.push('OFFSET without a preceding ORDER BY is not T-SQL')
  if (offset !== -1 && !/\boffset\s+\S+\s+rows?\b/.test(code)) problems.push('OFFSET must read OFFSET n ROWS in T-SQL')
  const fetch = code.search(/\bfetch\s+(first|next)\b/)
  if (fetch !== -1 && (offset === -1 || offset > fetch))
    problems.push('FETCH FIRST/NEXT without OFFSET ... ROWS is not T-SQL')
  return problems
}

/**
 * Multi-part names Kysely mangles: `.selectFrom('msdb.dbo.backupset')` compiles to `"msdb"."dbo"` (the table
 * silently dropped), and other spellings quote a dotted name whole (`"msdb.dbo.backupset"`).
 */
function nameProblems(text: string): string[] {
  const problems: string[] = []
  for (const chain of quotedNameChains(text)) {
    const written = chain.map((part) => part.quoted).join('.')
    if (chain.some((part) => part.name.includes('.'))) {
      problems.push(
        `the name ${written} has a dot inside its quotes: a multi-part name quoted whole (use sql.id('msdb', 'dbo', ` +
          `'backupset'))`,
      )
    } else if (['dbo', 'sys'].includes(chain.at(-1)!.name.toLowerCase()) && chain.length > 1) {
      problems.push(`the name ${written} ends in a schema: a multi-part name lost its last part (use sql.id(...))`)
    } else if (chain[0].name.toLowerCase() === 'msdb' && chain.length !== 3) {
      problems.push(`the name ${written} is not a three-part msdb name (use sql.id('msdb', 'dbo', table))`)
    }
  }

  return problems
}

interface NamePart {
  quoted: string
  name: string
}

/** Runs of quoted names joined by dots (`"a"."b"`, `[a].[b]`), each part with its unquoted name. */
function quotedNameChains(text: string): NamePart[][] {
  const chains: NamePart[][] = []
  let chain: NamePart[] = []
  let joined = false
  for (const segment of segments(text)) {
    if (segment.kind === 'quoted-identifier') {
      if (!joined && chain.length > 0) {
        chains.push(chain)
        chain = []
      }

      chain.push({quoted: segment.text, name: unquote(segment.text)})
      joined = false
    } else if (segment.kind === 'code' && segment.text.trim() === '.' && chain.length > 0) {
      joined = true
    } else {
      if (chain.length > 0) chains.push(chain)
      chain = []
      joined = false
    }
  }

  if (chain.length > 0) chains.push(chain)
  return chains
}

function unquote(quoted: string): string {
  const close = quoted[0] === '[' ? ']' : quoted[0]
  return quoted.slice(1, -1).replaceAll(close + close, close)
}

/** Errors of the T-SQL grammar (antlr4ts-sql's TSqlParser, the grammars-v4 grammar) on the whole text. */
function syntaxProblems(text: string): string[] {
  const problems: string[] = []
  const listener: ANTLRErrorListener<unknown> = {
    syntaxError: (_recognizer, _symbol, line, column, message) => {
      problems.push(`syntax error at ${line}:${column + 1}: ${shorten(message)}`)
    },
  }
  const parser = new antlr4tsSQL(SQLDialect.TSQL)
  parser.getParseTree(parser.getParser(parser.getTokens(text, [listener]), [listener]))
  return problems
}

/** ANTLR lists every token it expected: hundreds of them. */
function shorten(message: string): string {
  const expecting = message.indexOf(' expecting {')
  return expecting === -1 ? message : `${message.slice(0, expecting)} (expecting one of many)`
}
