import type {SensitiveField, SensitiveTable} from './catalog.js'
import {entryOf, type JsonNode, scalarValue} from './json/json-tree.js'

/** One place in a document where the catalog says a sensitive value lives. */
export interface SensitiveLeaf {
  readonly field: SensitiveField
  /** The concrete path, e.g. `Variables[3].Value` or `Steps[0].Actions[1].SensitiveProperties.Octopus.Action.Password`. */
  readonly path: string
  readonly node: JsonNode
  /** The human name from the field's `label` path, when it resolves to a string. */
  readonly label: string | undefined
}

type Segment = {readonly kind: 'key'; readonly key: string; readonly each: boolean} | {readonly kind: 'values'}

const compiled = new Map<string, readonly Segment[]>()

function segmentsOf(path: string): readonly Segment[] {
  let segments = compiled.get(path)
  if (!segments) {
    segments = path.split('.').map((part): Segment =>
      part === '*' ? {kind: 'values'} : part.endsWith('[]') ? {kind: 'key', key: part.slice(0, -2), each: true} : {kind: 'key', key: part, each: false},
    )
    compiled.set(path, segments)
  }
  return segments
}

function resolveNested(holder: JsonNode, dotted: string): JsonNode | undefined {
  let node: JsonNode | undefined = holder
  for (const key of dotted.split('.')) node = node && entryOf(node, key)
  return node
}

function conditionsHold(text: string, holder: JsonNode, when: SensitiveField['when']): boolean {
  if (!when) return true
  for (const [dotted, expected] of Object.entries(when)) {
    const node = resolveNested(holder, dotted)
    if (!node || scalarValue(text, node) !== expected) return false
  }
  return true
}

/** Follows a label path, binding each `[]` to the next of the leaf's array indices. */
function labelOf(text: string, root: JsonNode, labelPath: string | undefined, indices: readonly number[]): string | undefined {
  if (!labelPath) return undefined
  let node: JsonNode | undefined = root
  let next = 0
  for (const segment of segmentsOf(labelPath)) {
    if (!node || segment.kind === 'values') return undefined
    node = entryOf(node, segment.key)
    if (segment.each) node = node?.type === 'array' ? node.items[indices[next++]] : undefined
  }
  const value = node && scalarValue(text, node)
  return typeof value === 'string' ? value : undefined
}

const propertyPath = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key)

/** Every leaf of `table`'s catalog fields in one parsed document (fields scoped to another document Id are skipped). */
export function sensitiveLeaves(text: string, root: JsonNode, table: SensitiveTable, documentId: string): SensitiveLeaf[] {
  const leaves: SensitiveLeaf[] = []
  for (const field of table.fields) {
    if (field.documentId !== undefined && field.documentId !== documentId) continue
    const segments = segmentsOf(field.path)
    const visit = (node: JsonNode, holder: JsonNode, at: number, path: string, indices: number[]): void => {
      if (at === segments.length) {
        if (conditionsHold(text, holder, field.when)) {
          leaves.push({field, path, node, label: labelOf(text, root, field.label, indices)})
        }
        return
      }
      if (node.type !== 'object') return
      const segment = segments[at]
      if (segment.kind === 'values') {
        for (const entry of node.entries) visit(entry.value, node, at + 1, propertyPath(path, entry.key), indices)
        return
      }
      const child = entryOf(node, segment.key)
      if (!child) return
      const childPath = propertyPath(path, segment.key)
      if (!segment.each) {
        visit(child, node, at + 1, childPath, indices)
        return
      }
      if (child.type !== 'array') return
      // Inside an array the holder is the element itself (e.g. the variable whose Type is Sensitive).
      child.items.forEach((item, index) => visit(item, item, at + 1, `${childPath}[${index}]`, [...indices, index]))
    }
    visit(root, root, 0, '', [])
  }
  return leaves
}
