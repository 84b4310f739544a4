import type {SensitiveField, SensitiveTable} from './catalog.js'
import {parseCatalogPath, parseConditionKeys} from './catalog-path.js'
import {IDENTITY_KEYS} from './element-identity.js'
import {entryOf, type JsonInterest, type JsonNode, type JsonObject, scalarValue} from '../json/json-tree.js'

/** One place in a document where the catalog says a sensitive value lives. */
export interface SensitiveLeaf {
  readonly field: SensitiveField
  /**
   * The concrete path, e.g. `Variables[3].Value` or `Steps[0].Actions[1].SensitiveProperties.Octopus.Action.Password`.
   */
  readonly path: string
  readonly node: JsonNode
  /** The human name from the field's `label` path, when it resolves to a string. */
  readonly label: string | undefined
  /**
   * On the way down, a key that the same object holds again later: the server never reads this copy (the last
   * one counts), but a ciphertext in it must not stay (docs/catalog.md, "Duplicate keys").
   */
  readonly shadowed: boolean
  /** The array elements the path steps into, outermost first (for their identities: element-identity.ts). */
  readonly elements: readonly JsonNode[]
}

/** A place a catalog field's path reaches in a document, whether or not the field's conditions hold there. */
export interface CatalogPlace {
  readonly node: JsonNode
  /** The field's conditions hold: the value there is sensitive. */
  readonly sensitive: boolean
}

type Segment = {readonly kind: 'key'; readonly key: string; readonly each: boolean} | {readonly kind: 'values'}

/** A catalog field, parsed once: its path, label path and conditions as segments and key lists. */
interface CompiledField {
  readonly field: SensitiveField
  readonly segments: readonly Segment[]
  readonly label: readonly Segment[] | undefined
  readonly when: ReadonlyArray<readonly [keys: readonly string[], expected: string | boolean]>
}

interface CompiledTable {
  readonly fields: readonly CompiledField[]
  readonly interest: JsonInterest
}

/** Paths may quote a key that has dots (`DisplaySettings["Octopus.ControlType"]`): catalog-path.ts parses them. */
function segmentsOf(path: string): Segment[] {
  return parseCatalogPath(path)
}

interface InterestBuilder {
  everything: boolean
  keys: Map<string, InterestBuilder>
}

const newBuilder = (): InterestBuilder => ({everything: false, keys: new Map()})

/** Marks `segments` (from `at`) as wanted below `node`; a `*` wants everything below it. */
function want(node: InterestBuilder, segments: readonly Segment[]): InterestBuilder {
  let at = node
  for (const segment of segments) {
    if (segment.kind === 'values') {
      at.everything = true
      return at
    }
    let next = at.keys.get(segment.key)
    if (!next) at.keys.set(segment.key, (next = newBuilder()))
    at = next
  }
  return at
}

function freeze(node: InterestBuilder): JsonInterest {
  return {everything: node.everything, keys: [...node.keys].map(([key, inner]) => [key, freeze(inner)] as const)}
}

/**
 * What the walker can look at in a document of this table: every field's path, the conditions on the object that
 * holds its leaf, its label path, and the identity of each array element on the way (`Id`, `Name`). Arrays are
 * transparent, as in the interest.
 */
function interestOf(fields: readonly CompiledField[]): JsonInterest {
  const root = newBuilder()
  for (const {segments, label, when} of fields) {
    want(root, segments)
    segments.forEach((segment, at) => {
      if (segment.kind !== 'key' || !segment.each) return
      const element = want(root, segments.slice(0, at + 1))
      for (const key of IDENTITY_KEYS) want(element, [{kind: 'key', key, each: false}])
    })
    const holder = want(root, segments.slice(0, -1))
    for (const [keys] of when)
      want(
        holder,
        keys.map((key) => ({kind: 'key', key, each: false})),
      )
    if (label) want(root, label)
  }
  return freeze(root)
}

const compiledTables = new WeakMap<SensitiveTable, CompiledTable>()

function compile(table: SensitiveTable): CompiledTable {
  let compiled = compiledTables.get(table)
  if (!compiled) {
    const fields = table.fields.map((field): CompiledField => ({
      field,
      segments: segmentsOf(field.path),
      label: field.label === undefined ? undefined : segmentsOf(field.label),
      when: Object.entries(field.when ?? {}).map(
        ([dotted, expected]) => [parseConditionKeys(dotted), expected] as const,
      ),
    }))
    compiled = {fields, interest: interestOf(fields)}
    compiledTables.set(table, compiled)
  }
  return compiled
}

/** The parts of a document of `table` that `sensitiveLeaves` reads: pass it to `parseJsonTree`. */
export function sensitiveInterest(table: SensitiveTable): JsonInterest {
  return compile(table).interest
}

function conditionsHold(text: string, holder: JsonNode, when: CompiledField['when']): boolean {
  for (const [keys, expected] of when) {
    let node: JsonNode | undefined = holder
    for (const key of keys) node = node && entryOf(node, key)
    if (!node || scalarValue(text, node) !== expected) return false
  }
  return true
}

/** Follows a label path, binding each `[]` to the next of the leaf's array indices. */
function labelOf(
  text: string,
  root: JsonNode,
  label: readonly Segment[] | undefined,
  indices: readonly number[],
): string | undefined {
  if (!label) return undefined
  let node: JsonNode | undefined = root
  let next = 0
  for (const segment of label) {
    if (!node || segment.kind === 'values') return undefined
    node = entryOf(node, segment.key)
    if (segment.each) node = node?.type === 'array' ? node.items[indices[next++]] : undefined
  }
  const value = node && scalarValue(text, node)
  return typeof value === 'string' ? value : undefined
}

/** Whether an entry after `index` has the same key (the server would read that one instead). */
function hasLaterCopy(entries: JsonObject['entries'], index: number): boolean {
  const {key} = entries[index]
  for (let later = index + 1; later < entries.length; later++) if (entries[later].key === key) return true
  return false
}

function lastIndexByKey(entries: JsonObject['entries']): Map<string, number> {
  const last = new Map<string, number>()
  for (let index = 0; index < entries.length; index++) last.set(entries[index].key, index)
  return last
}

const NO_ELEMENTS: readonly JsonNode[] = []
const NO_INDICES: readonly number[] = []
const NO_DOCUMENT: JsonNode = {type: 'null', start: 0, end: 0}

/**
 * The walks of one document's fields, one after the other. `steps` holds the keys and array positions on the way down;
 * the path's text and the label's positions are made only for a leaf that is kept, not for every object the walk
 * passes (many fail their conditions).
 */
class FieldWalk {
  readonly steps: Array<string | number> = []
  /** The array elements stepped into, outermost first. */
  readonly elements: JsonNode[] = []
  compiled!: CompiledField
  text = ''
  root: JsonNode = NO_DOCUMENT
  leaves: SensitiveLeaf[] = []

  /** Starts on one document (and, with NO_DOCUMENT, lets go of the last one). */
  start(text: string, root: JsonNode, leaves: SensitiveLeaf[]): this {
    this.text = text
    this.root = root
    this.leaves = leaves
    // A walk leaves both empty; emptied here only after one that threw (setting a length is a call into the runtime).
    if (this.steps.length > 0) this.steps.length = 0
    if (this.elements.length > 0) this.elements.length = 0
    return this
  }

  /** The walk reached the end of the field's path at `node`, inside `holder`. */
  reached(node: JsonNode, holder: JsonNode, shadowed: boolean): void {
    // Conditions are read as the server reads them: the last copy of each key.
    if (!conditionsHold(this.text, holder, this.compiled.when)) return
    // The array positions are gathered only for a field that has a label path to bind them to.
    const {label: labelPath} = this.compiled
    const indices = labelPath ? this.steps.filter((step): step is number => typeof step === 'number') : NO_INDICES
    const label = labelOf(this.text, this.root, labelPath, indices) ?? this.compiled.field.title
    const elements = this.elements.length === 0 ? NO_ELEMENTS : [...this.elements]
    this.leaves.push({field: this.compiled.field, path: this.path(), node, label, shadowed, elements})
  }

  /** The path down to where the walk is: `a.b[2].c`, as one flat string (the quarantine and the report read it). */
  path(): string {
    const parts: string[] = []
    let length = 0
    for (const step of this.steps) {
      // A key after nothing (or after empty keys only) takes no dot, as `a.b` joins keys.
      const part = typeof step === 'number' ? `[${step}]` : length > 0 ? `.${step}` : step
      parts.push(part)
      length += part.length
    }
    return parts.join('')
  }

  visit(node: JsonNode, holder: JsonNode, at: number, shadowed: boolean): void {
    const {segments} = this.compiled
    if (at === segments.length) {
      this.reached(node, holder, shadowed)
      return
    }
    if (node.type !== 'object') return
    const segment = segments[at]
    const {entries} = node
    const lastCopy = segment.kind === 'values' && entries.length > 32 ? lastIndexByKey(entries) : undefined
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index]
      if (segment.kind === 'key' && entry.key !== segment.key) continue
      // Every copy of a duplicated key is walked; all but the last are shadowed.
      const copyShadowed = shadowed || (lastCopy ? lastCopy.get(entry.key) !== index : hasLaterCopy(entries, index))
      const child = entry.value
      this.steps.push(entry.key)
      if (segment.kind === 'values' || !segment.each) {
        this.visit(child, node, at + 1, copyShadowed)
      } else if (child.type === 'array') {
        // Inside an array the holder is the element itself (e.g. the variable whose Type is Sensitive).
        for (let item = 0; item < child.items.length; item++) {
          this.steps.push(item)
          this.elements.push(child.items[item])
          this.visit(child.items[item], child.items[item], at + 1, copyShadowed)
          this.elements.pop()
          this.steps.pop()
        }
      }
      this.steps.pop()
    }
  }
}

/** One walk for every document's leaves, as the parser's scanner: walks are synchronous, one at a time. */
const leafWalk = new FieldWalk()

/** A walk that keeps every place a path reaches, sensitive or not (for the restore's check of a place). */
class PlaceWalk extends FieldWalk {
  readonly places: CatalogPlace[] = []

  override reached(node: JsonNode, holder: JsonNode): void {
    this.places.push({node, sensitive: conditionsHold(this.text, holder, this.compiled.when)})
  }
}

/**
 * Every place `table`'s catalog fields reach in one document (`root`: the full tree), each with whether the field's
 * conditions hold there. A place that several fields reach is listed once per field.
 */
export function catalogPlaces(text: string, root: JsonNode, table: SensitiveTable, documentId: string): CatalogPlace[] {
  const walk = new PlaceWalk().start(text, root, [])
  for (const compiled of compile(table).fields) {
    if (compiled.field.documentId !== undefined && compiled.field.documentId !== documentId) continue
    walk.compiled = compiled
    walk.visit(root, root, 0, false)
  }
  return walk.places
}

/**
 * Every leaf of `table`'s catalog fields in one parsed document (fields scoped to another document Id are skipped).
 * `root` may be the full tree or one parsed with `sensitiveInterest(table)`.
 */
export function sensitiveLeaves(
  text: string,
  root: JsonNode,
  table: SensitiveTable,
  documentId: string,
): SensitiveLeaf[] {
  const leaves: SensitiveLeaf[] = []
  const walk = leafWalk.start(text, root, leaves)
  try {
    for (const compiled of compile(table).fields) {
      if (compiled.field.documentId !== undefined && compiled.field.documentId !== documentId) continue
      walk.compiled = compiled
      walk.visit(root, root, 0, false)
    }
  } finally {
    walk.start('', NO_DOCUMENT, leaves)
  }
  return leaves
}
