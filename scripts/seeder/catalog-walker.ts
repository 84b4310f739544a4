import {parseCatalogPath, parseConditionKeys} from '../../src/recovery/catalog/catalog-path.js'
import type {SensitiveField} from '../../src/recovery/catalog/catalog.js'

/**
 * Walks a catalog path (see src/recovery/catalog/catalog.ts: `Name`, `Name[]`, `*`, `["Dotted.Key"]`) over a parsed or
 * generated document and returns the slots that hold a sensitive value. The seeder's own small walker: the
 * verifier must not share the production walker it is meant to check (only the path syntax is shared).
 */
export interface LeafSlot {
  readonly holder: Record<string, unknown> | unknown[]
  readonly key: string | number
}

type Segment = {kind: 'property'; name: string} | {kind: 'elements'; name: string} | {kind: 'values'}

type Field = Pick<SensitiveField, 'path' | 'when'>

export function parsePath(path: string): Segment[] {
  return parseCatalogPath(path).map((segment): Segment => {
    if (segment.kind === 'values') return {kind: 'values'}
    return {kind: segment.each ? 'elements' : 'property', name: segment.key}
  })
}

/**
 * Every slot of `field` in `doc`. With `create`, missing properties on the way are added (an object, an
 * array of one object, a `null` leaf) and objects created that way are given the `when` values, so a
 * catalog entry no generator knows about still gets seeded.
 */
export function findLeaves(doc: unknown, field: Field, options: {create?: boolean} = {}): LeafSlot[] {
  const out: LeafSlot[] = []
  walk(doc, parsePath(field.path), 0, field.when ?? {}, options.create === true, false, out)
  return out
}

function walk(
  node: unknown,
  segments: Segment[],
  index: number,
  when: Readonly<Record<string, string | boolean>>,
  create: boolean,
  fresh: boolean,
  out: LeafSlot[],
): void {
  if (!isPlainObject(node)) return
  const segment = segments[index]
  if (index === segments.length - 1) {
    if (!holds(node, when, fresh)) return
    leaves(node, segment, create, fresh, out)
    return
  }

  const next = (child: unknown, childFresh: boolean) => walk(child, segments, index + 1, when, create, childFresh, out)
  if (segment.kind === 'property') {
    const created = !Object.hasOwn(node, segment.name) && create
    if (created) node[segment.name] = {}
    next(node[segment.name], created)
  } else if (segment.kind === 'elements') {
    const created = !Object.hasOwn(node, segment.name) && create
    if (created) node[segment.name] = [{}]
    const items = node[segment.name]
    if (Array.isArray(items)) for (const item of items) next(item, created)
  } else {
    const created = fresh && Object.keys(node).length === 0
    if (created) node.Item = {}
    for (const value of Object.values(node)) next(value, created)
  }
}

function leaves(
  holder: Record<string, unknown>,
  segment: Segment,
  create: boolean,
  fresh: boolean,
  out: LeafSlot[],
): void {
  if (segment.kind === 'property') {
    if (!Object.hasOwn(holder, segment.name) && create) holder[segment.name] = null
    if (Object.hasOwn(holder, segment.name)) out.push({holder, key: segment.name})
  } else if (segment.kind === 'elements') {
    if (!Object.hasOwn(holder, segment.name) && create) holder[segment.name] = [null]
    const items = holder[segment.name]
    if (Array.isArray(items)) for (let i = 0; i < items.length; i++) out.push({holder: items, key: i})
  } else {
    if (fresh) {
      // Only the created value: the holder may already carry the `when` values.
      holder.Value = null
      out.push({holder, key: 'Value'})
      return
    }
    for (const key of Object.keys(holder)) out.push({holder, key})
  }
}

/** Whether `when` holds on a slot's holder (never creating anything). */
export function conditionsHold(holder: unknown, when: Readonly<Record<string, string | boolean>> = {}): boolean {
  return isPlainObject(holder) && holds(holder, when, false)
}

/** `when` conditions on the holder; a holder the walker just created is made to satisfy them. */
function holds(
  holder: Record<string, unknown>,
  when: Readonly<Record<string, string | boolean>>,
  fresh: boolean,
): boolean {
  for (const [path, expected] of Object.entries(when)) {
    const parts = parseConditionKeys(path)
    let node: unknown = holder
    for (const [i, part] of parts.entries()) {
      if (!isPlainObject(node)) return false
      if (fresh && !Object.hasOwn(node, part)) node[part] = i === parts.length - 1 ? expected : {}
      node = node[part]
    }
    if (node !== expected) return false
  }
  return true
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
