/**
 * Keeps a run's V8 heap near a ceiling between batch writes (README, "Measured": peak memory). Each batch leaves
 * garbage behind: its document texts and, on SQL Server, the JSON text of each batch statement, 0.2–0.4 MB. Texts
 * past 128 KB go straight to V8's large-object space, which only a full collection frees, and V8 lets the old
 * generation grow to 100–130 MB before it runs one: a reset of 100,000 documents on SQL Server peaked at 193–229 MB
 * RSS. Collecting when the used heap passes the ceiling kept it at 176–178 MB, for about 5% more main-thread time.
 *
 * The collection is V8's own `gc`, reached as the `expose-gc` package does: the flag, then a new context that has it.
 * Where that fails, nothing is collected early and V8 collects as it always does.
 */
import {getHeapStatistics, setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

/** The least ceiling: well above a run's live heap (25–60 MB), well below where V8 would collect on its own. */
const LEAST_CEILING_BYTES = 80 * 1024 * 1024

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

/**
 * Collects the heap's garbage now when the used heap is past the ceiling. A run whose live data is larger raises the
 * ceiling to twice what survives, so it is never collecting batch after batch.
 */
export function collectAboveCeiling(): void {
  if (getHeapStatistics().used_heap_size <= ceiling) return
  if (collect === undefined) collect = fullCollection()
  if (collect === null) return
  collect()
  ceiling = Math.max(LEAST_CEILING_BYTES, 2 * getHeapStatistics().used_heap_size)
}
