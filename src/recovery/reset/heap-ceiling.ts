/**
 * Keeps V8's old generation near a ceiling between batch writes (README, "Measured": peak memory). Each batch leaves
 * garbage there: document texts that outlived a young collection while their write was in flight and, on SQL Server,
 * the JSON text of each batch statement (0.2–0.4 MB; a text past 128 KB is allocated in the old generation directly).
 * V8 lets the old generation grow to 100–130 MB before its own full collection: a reset of 200,000 documents on the
 * Babelfish stand-in peaked at 223 MB RSS, 1.19× the 20,000 run. Collecting when the old generation holds more than
 * 64 MB brought that to 175 MB and 0.99×, in the same time. In a scrub of 1,000,000 audit events on PostgreSQL it
 * fires only when V8 lets the heap grow: it then caps the peak at 171–175 MB (187–190 MB without) at some cost in time
 * (README, "Measured"). Counting only the large texts left 191 MB and 1.14×; counting the whole heap, young
 * generation included, made that scrub 15–20% slower.
 *
 * The collection is V8's own `gc`, reached as the `expose-gc` package does: the flag, then a new context that has it.
 * Where that fails, nothing is collected early and V8 collects as it always does.
 */
import {getHeapSpaceStatistics, setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

/** The least ceiling: above a run's live old generation (25–45 MB), below where V8 would collect on its own. */
const LEAST_CEILING_BYTES = 64 * 1024 * 1024

let collect: (() => void) | null | undefined
let ceiling = LEAST_CEILING_BYTES

function fullCollection(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined')
    return typeof gc === 'function' ? (gc as () => void) : null
  } catch {
    return null
  }
}

/** V8's old generation: what survived young collections, and the large objects allocated there directly. */
const OLD_GENERATION = new Set(['old_space', 'large_object_space'])

function oldGenerationBytes(): number {
  let bytes = 0
  for (const space of getHeapSpaceStatistics()) if (OLD_GENERATION.has(space.space_name)) bytes += space.space_used_size
  return bytes
}

/**
 * Collects the heap's garbage now when V8's old generation holds more than the ceiling. A run whose live data is
 * larger raises the ceiling to twice what survives, so it is never collecting batch after batch.
 */
export function collectAboveCeiling(): void {
  if (oldGenerationBytes() <= ceiling) return
  if (collect === undefined) collect = fullCollection()
  if (collect === null) return
  collect()
  ceiling = Math.max(LEAST_CEILING_BYTES, 2 * oldGenerationBytes())
}
