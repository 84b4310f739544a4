import {MalformedJsonError, spanIs} from '../json/json-tree.js'
import {type InProperty, rewriteJsonStrings} from '../json/rewrite-json-strings.js'
import type {PersonalReplacements} from './personal-replacements.js'
import type {Pseudonymizer} from './pseudonymizer.js'

export interface EventRow {
  readonly Id: string
  readonly JSON: string | null
  readonly UserId: string | null
  readonly Username: string | null
  readonly IpAddress: string | null
  readonly Message: string | null
}

export interface ScrubbedEvent {
  readonly row: Pick<EventRow, 'Id' | 'JSON' | 'Username' | 'IpAddress' | 'Message'>
  readonly malformed: boolean
}

/**
 * One audit event: the username becomes the same person's pseudonym (found by user Id in `userPseudonyms`, then by
 * old username; a name with no user gets a pseudonym of its own), the IP address is cleared, and every old value of
 * every person in the message and in the JSON is replaced.
 */
export function scrubEvent(
  row: EventRow,
  userPseudonyms: ReadonlyMap<string, string>,
  pseudonymizer: Pseudonymizer,
  everyone: PersonalReplacements,
): ScrubbedEvent {
  let username: string | null = null
  if (row.Username !== null) {
    username =
      (row.UserId === null ? undefined : userPseudonyms.get(row.UserId)) ??
      everyone.exact(row.Username) ??
      pseudonymizer.pseudonymFor(`username:${row.Username}`)
    everyone.add(row.Username, username)
  }
  const {Message, Username} = row
  const message = Message === null ? null : everyone.inText(Message)
  // The message and the username are in the JSON too, where each is answered without a search again (a value that
  // is a whole name becomes that name's replacement).
  const usernameInText = Username === null ? undefined : everyone.exact(Username)
  const is = (known: string | null, source: string, start: number, end: number) =>
    known !== null && spanIs(source, start, end, known)
  let json = row.JSON
  let malformed = false
  if (json !== null) {
    try {
      const replace = (source: string, start: number, end: number, inProperty: InProperty) => {
        if (inProperty('IpAddress')) return null
        if (is(Message, source, start, end)) return message === Message ? undefined : message
        if (usernameInText !== undefined && is(Username, source, start, end)) return usernameInText
        return everyone.inSpan(source, start, end)
      }
      json = rewriteJsonStrings(json, replace) ?? json
    } catch (error) {
      if (!(error instanceof MalformedJsonError)) throw error
      malformed = true
      json = everyone.inText(json).replace(/("IpAddress"\s*:\s*)"(?:[^"\\]|\\.)*"/g, '$1null')
    }
  }
  return {
    malformed,
    row: {
      Id: row.Id,
      JSON: json,
      Username: username,
      IpAddress: null,
      Message: message,
    },
  }
}
