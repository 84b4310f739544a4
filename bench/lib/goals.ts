import {round} from './stats.js'

/** One goal of issue 13's "Speed and memory": what was measured, the limit, and whether it held. */
export interface Goal {
  readonly measured: number | null
  readonly limit: number
  /** null: not measured in this run (a size was skipped). */
  readonly pass: boolean | null
}

const atMost = (measured: number | undefined, limit: number): Goal =>
  measured === undefined || !Number.isFinite(measured)
    ? {measured: null, limit, pass: null}
    : {measured: round(measured), limit, pass: measured <= limit}

/** What the goals are judged on: medians, in seconds and MB; undefined where a size was not run. */
export interface GoalInputs {
  /** Tool over honest floor, wall time, at the large size (200,000 documents by default). */
  readonly ratioLarge: number | undefined
  readonly largeDocuments: number
  /** The same at the small size (20,000 by default). */
  readonly ratioSmall: number | undefined
  readonly smallDocuments: number
  /** The largest size that counts as small (the 20,000 documents; 100,000 events for the scrub). */
  readonly smallUpTo: number
  /** Every peak RSS of the tool measured in the run. */
  readonly peakRssMb: readonly number[]
  /** The tool's peak RSS at the larger of N and 10N over the smaller. */
  readonly memoryGrowth: number | undefined
  /** At the large size: the transaction's wall time over its backend's CPU (limit-ratio.ts); undefined off Linux. */
  readonly limitRatio?: number
}

/**
 * Speed: ≤ 1.3× the honest floor at 200,000 documents, ≤ 1.5× at 20,000 (where fixed costs weigh most), and the
 * transaction's wall time ≤ 1.2× its backend's CPU at the large size (issue 26). Memory: ≤ 200 MB, and 10N within 1.1×
 * of N.
 */
export const GOAL_LIMITS = {
  ratioLarge: 1.3,
  ratioSmall: 1.5,
  limitRatio: 1.2,
  peakRssMb: 200,
  memoryGrowth: 1.1,
} as const

/** The ratio limit for a run of `size`: the small one up to `smallUpTo`, the large one above. */
function ratioLimit(size: number, smallUpTo: number): number {
  return size <= smallUpTo ? GOAL_LIMITS.ratioSmall : GOAL_LIMITS.ratioLarge
}

/**
 * The goals, each with what was measured and whether it held. Each size's ratio is judged against the limit for that
 * size (a run of 20,000 documents alone is a small run, one of 50,000 a large one); a skipped size has no ratio goal.
 */
export function judgeGoals(inputs: GoalInputs): Record<string, Goal> {
  return {
    [`ratio_at_${inputs.largeDocuments}`]: atMost(
      inputs.ratioLarge,
      ratioLimit(inputs.largeDocuments, inputs.smallUpTo),
    ),
    ...(inputs.smallDocuments > 0 && {
      [`ratio_at_${inputs.smallDocuments}`]: atMost(
        inputs.ratioSmall,
        ratioLimit(inputs.smallDocuments, inputs.smallUpTo),
      ),
    }),
    ...('limitRatio' in inputs && {
      [`limit_ratio_at_${inputs.largeDocuments}`]: atMost(inputs.limitRatio, GOAL_LIMITS.limitRatio),
    }),
    peak_rss_mb: atMost(inputs.peakRssMb.length > 0 ? Math.max(...inputs.peakRssMb) : undefined, GOAL_LIMITS.peakRssMb),
    memory_growth_10x: atMost(inputs.memoryGrowth, GOAL_LIMITS.memoryGrowth),
  }
}

/** Whether every goal that was measured held (null when none was). */
export function allPass(goals: Record<string, Goal>): boolean | null {
  const judged = Object.values(goals).filter((goal) => goal.pass !== null)
  return judged.length === 0 ? null : judged.every((goal) => goal.pass)
}
