import {MalformedJsonError} from '../json/json-tree.js'
import {rewriteJsonStrings} from '../json/rewrite-json-strings.js'
import {PersonalReplacements} from './personal-replacements.js'
import {pseudonymEmail, type Pseudonymizer} from './pseudonymizer.js'

export interface UserRow {
  readonly Id: string
  readonly JSON: string | null
  readonly Username: string | null
  readonly DisplayName: string | null
  readonly EmailAddress: string | null
}

export interface ScrubbedUser {
  readonly row: UserRow
  readonly malformed: boolean
}

export const userIdentity = (userId: string) => `user:${userId}`

/**
 * Replaces one user's username, display name and e-mail with their pseudonym, in the columns and in every
 * JSON string equal to one of them, and remembers the replacements for the audit log (`everyone`).
 */
export function scrubUser(row: UserRow, pseudonymizer: Pseudonymizer, everyone: PersonalReplacements): ScrubbedUser {
  const pseudonym = pseudonymizer.pseudonymFor(userIdentity(row.Id))
  const email = pseudonymEmail(pseudonym)
  const own = new PersonalReplacements()
  for (const replacements of [own, everyone]) {
    replacements.add(row.EmailAddress, email)
    replacements.add(row.Username, pseudonym)
    replacements.add(row.DisplayName, pseudonym)
  }
  let json = row.JSON
  let malformed = false
  if (json !== null) {
    try {
      json = rewriteJsonStrings(json, (source, start, end) => own.exact(source.slice(start, end))) ?? json
    } catch (error) {
      if (!(error instanceof MalformedJsonError)) throw error
      // A broken document cannot be walked; its text still must not keep the person's name.
      malformed = true
      json = own.inText(json)
    }
  }
  return {
    malformed,
    row: {
      Id: row.Id,
      JSON: json,
      Username: row.Username === null ? null : pseudonym,
      DisplayName: row.DisplayName === null ? null : pseudonym,
      EmailAddress: row.EmailAddress === null ? null : email,
    },
  }
}
