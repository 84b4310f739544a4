import type {JsonNode} from '../json/json-tree.js'

const childPath = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key)

/**
 * The first node (in document order) whose path, written the way the reset writes quarantine paths
 * (`Variables[3].Value`, `Steps[0].Actions[1].SensitiveProperties.Octopus.Action.Password`), is `path`. Property
 * names may hold dots, so the path is not split: the walk follows every branch whose path is a prefix of it.
 * Works for any path, in the catalog or not. `root` must be a full tree (parsed without an interest).
 */
export function findPath(root: JsonNode, path: string): JsonNode | undefined {
  const visit = (node: JsonNode, at: string): JsonNode | undefined => {
    if (at === path) return node
    if (at !== '' && !(path.startsWith(at) && (path[at.length] === '.' || path[at.length] === '['))) return undefined
    if (node.type === 'object') {
      for (const entry of node.entries) {
        const found = visit(entry.value, childPath(at, entry.key))
        if (found) return found
      }
    } else if (node.type === 'array') {
      for (let index = 0; index < node.items.length; index++) {
        const found = visit(node.items[index], `${at}[${index}]`)
        if (found) return found
      }
    }
    return undefined
  }
  return visit(root, '')
}
