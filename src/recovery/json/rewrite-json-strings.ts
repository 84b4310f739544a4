import type {JsonEdit} from './json-splice.js'
import {spliceJson} from './json-splice.js'
import {type JsonNode, parseJsonTree} from './json-tree.js'

/**
 * Calls `replace` for every string value of a document (not property names) with the property that holds it;
 * a different string, or `null`, replaces the value. Returns the new text, or undefined when nothing changed.
 * Throws MalformedJsonError for malformed JSON.
 */
export function rewriteJsonStrings(
  text: string,
  replace: (value: string, property: string | undefined) => string | null,
): string | undefined {
  const edits: JsonEdit[] = []
  const visit = (node: JsonNode, property: string | undefined): void => {
    if (node.type === 'object') {
      for (const entry of node.entries) visit(entry.value, entry.key)
    } else if (node.type === 'array') {
      for (const item of node.items) visit(item, undefined)
    } else if (node.type === 'string') {
      const value = JSON.parse(text.slice(node.start, node.end)) as string
      const replacement = replace(value, property)
      if (replacement !== value) edits.push({start: node.start, end: node.end, replacement: JSON.stringify(replacement)})
    }
  }
  visit(parseJsonTree(text), undefined)
  return edits.length > 0 ? spliceJson(text, edits) : undefined
}
