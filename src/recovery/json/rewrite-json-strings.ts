import type {JsonEdit} from './json-splice.js'
import {spliceJson} from './json-splice.js'
import {type JsonNode, parseJsonTree, scalarValue} from './json-tree.js'

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
  // An explicit stack, not recursion: a document nested a million deep is valid JSON and must not overflow.
  const pending: Array<[JsonNode, string | undefined]> = [[parseJsonTree(text), undefined]]
  while (pending.length > 0) {
    const [node, property] = pending.pop()!
    if (node.type === 'object') {
      for (let index = node.entries.length - 1; index >= 0; index--)
        pending.push([node.entries[index].value, node.entries[index].key])
    } else if (node.type === 'array') {
      for (let index = node.items.length - 1; index >= 0; index--) pending.push([node.items[index], undefined])
    } else if (node.type === 'string') {
      // Decoded only when it holds an escape: most strings are their own source text.
      const value = scalarValue(text, node) as string
      const replacement = replace(value, property)
      if (replacement !== value)
        edits.push({start: node.start, end: node.end, replacement: JSON.stringify(replacement)})
    }
  }
  return edits.length > 0 ? spliceJson(text, edits) : undefined
}
