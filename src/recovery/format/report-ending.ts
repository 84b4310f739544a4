import {formatTenths} from './format-count.js'

/** What the last lines of a key-changing run's report (the reset's, the rotation's) are made of. */
export interface EndingFacts {
  readonly elapsedSeconds: number
  /** Shown only when the report carries it. */
  readonly masterKey?: string
  readonly problem?: string
  readonly nextSteps: readonly string[]
}

/**
 * The report's last lines, the same in both: the time taken, the key (a new one is shown once; on a run that found
 * the work done, the config's), a problem after the commit, and the numbered next steps.
 */
export function reportEnding(report: EndingFacts, keyIsNew: boolean): string[] {
  const out = [`Elapsed:      ${formatTenths(report.elapsedSeconds)} s`, '']
  if (report.masterKey)
    out.push(
      keyIsNew ? 'NEW MASTER KEY (shown once; store it now):' : 'MASTER KEY (from the config):',
      '',
      `    ${report.masterKey}`,
      '',
    )
  if (report.problem) out.push(`PROBLEM after the commit: ${report.problem}`, '')
  out.push('Next steps:', ...report.nextSteps.map((step, i) => `  ${i + 1}. ${step}`))
  return out
}
