import {spliceJson, type JsonEdit} from '../json/json-splice.js'
import {MalformedJsonError, NOTHING, parseJsonDocument, type JsonInterest} from '../json/json-tree.js'

/** The document property a sanitized copy sets (docs/recovery.md, "A sanitized copy"). */
export const DISABLED_PROPERTY = 'IsDisabled'

/** Only the top-level `IsDisabled` entries are built; the rest of the document is checked, not built. */
const INTEREST: JsonInterest = {everything: false, keys: [[DISABLED_PROPERTY, NOTHING]]}

export type DisabledDocument =
  /** The document already says `true` in every copy of the property: nothing to write. */
  | {readonly kind: 'already'}
  | {readonly kind: 'rewritten'; readonly json: string}
  /** Not valid JSON, or not an object: left as it is (the column still says disabled). */
  | {readonly kind: 'malformed'}

/** JSON whitespace: all that may stand between the last member and the closing brace. */
const WHITESPACE = /[ \t\n\r]/

/**
 * The document with its top-level `IsDisabled` set to `true`, spliced so that every other byte stays as it was
 * (src/recovery/json/). Every copy of a repeated key is set, so whichever one a reader takes says disabled; a document
 * without the property gets it appended as its last member, which is where Json.NET looks last.
 */
export function disableDocument(json: string): DisabledDocument {
  let root
  try {
    root = parseJsonDocument(json, INTEREST).root
  } catch (error) {
    if (error instanceof MalformedJsonError) return {kind: 'malformed'}
    throw error
  }
  if (root.type !== 'object') return {kind: 'malformed'}
  const edits: JsonEdit[] = []
  let present = false
  for (const entry of root.entries) {
    if (entry.key !== DISABLED_PROPERTY) continue
    present = true
    if (entry.value.type !== 'true') edits.push({start: entry.value.start, end: entry.value.end, replacement: 'true'})
  }
  if (!present) {
    // After the last member (or the opening brace), before any whitespace that leads to the closing brace.
    let at = root.end - 1
    while (WHITESPACE.test(json[at - 1])) at--
    const separator = at === root.start + 1 ? '' : ','
    edits.push({start: at, end: at, replacement: `${separator}"${DISABLED_PROPERTY}":true`})
  }
  return edits.length === 0 ? {kind: 'already'} : {kind: 'rewritten', json: spliceJson(json, edits)}
}
