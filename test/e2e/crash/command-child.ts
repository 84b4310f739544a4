import {spawn} from 'node:child_process'
import {performance} from 'node:perf_hooks'

import {PLUGIN_ROOT} from '../../../scripts/lib/host-cli.js'
import {killAsPhaseOpens, MARK_FD} from './kill-in-child.js'
import {COMMAND_PHASES, lastPhase, type PhaseDefinition, PhaseTracker} from './phases.js'

/**
 * When to SIGKILL: `delayMs` after the run enters phase `afterPhase` (an index into the command's phases; 0 is the
 * spawn), or a later one if it skipped that one. A delay of 0 after a phase's opening line is the child's own kill as
 * it writes the line (kill-as-phase-opens.ts): it lands in the phase whenever the run prints that line, however short
 * the phase. Any other kill is the parent's, from a timer or at the spawn.
 */
export interface KillAt {
  readonly afterPhase: number
  readonly delayMs: number
}

export interface ChildRun {
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** Each step title the run announced, with its time since the spawn. */
  readonly titles: ReadonlyArray<{readonly title: string; readonly atMs: number}>
  /** Every line of stdout, with the time it was read. */
  readonly lines: ReadonlyArray<{readonly text: string; readonly atMs: number}>
  /** Time from the spawn to the exit. */
  readonly durationMs: number
  /** When the kill was sent (since the spawn), if it was. */
  readonly killedAtMs?: number
  /** Killed because it ran longer than any run may (a hang, not a crash trial's kill). */
  readonly timedOut: boolean
}

/**
 * A run of a few thousand documents takes seconds on a quiet machine, and past a minute and a half on two cores shared
 * with a load of 30 (a SQL Server run, seen in a 150-trial run); this long means it hangs.
 */
const HANG_MS = 600_000

/** The simple renderer announces a step as `❯ <title>` before the step does any work. */
const STARTED = /^❯ (.+)$/

/** The phase (an index into `phases`) a trial's SIGKILL landed in; undefined when the run was not killed by it. */
export function phaseKilledIn(killed: ChildRun, phases: readonly PhaseDefinition[]): number | undefined {
  if (killed.signal !== 'SIGKILL' || killed.killedAtMs === undefined) return undefined
  return lastPhase(
    killed.lines.map((l) => l.text),
    phases,
  )
}

/**
 * Runs `command` (the reset by default) from the sources in a child process, as an operator would (plain output:
 * CI=true), and optionally SIGKILLs it at an instant set relative to a step it announced.
 */
export async function runCommandChild(
  args: string[],
  env: Record<string, string>,
  kill?: KillAt,
  command = 'server:lost-master-key',
): Promise<ChildRun> {
  const started = performance.now()
  const since = () => performance.now() - started
  const inChild = kill !== undefined && kill.afterPhase > 0 && kill.delayMs === 0
  const selfKill = inChild ? killAsPhaseOpens(command, kill.afterPhase) : {args: [], env: {}}
  const child = spawn(process.execPath, ['--import', 'tsx', ...selfKill.args, 'bin/dev.js', command, ...args], {
    cwd: PLUGIN_ROOT,
    // NODE_ENV=development makes oclif load the TypeScript sources rather than a possibly stale dist/.
    env: {...process.env, ...env, ...selfKill.env, CI: 'true', NODE_ENV: 'development'},
    // fd 3: the child's word that it killed itself (kill-in-child.ts).
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  })
  const titles: Array<{title: string; atMs: number}> = []
  const lines: Array<{text: string; atMs: number}> = []
  const phases = new PhaseTracker(COMMAND_PHASES[command])
  let stdout = ''
  let stderr = ''
  let pendingLine = ''
  let killedAtMs: number | undefined
  let timer: NodeJS.Timeout | undefined
  let armed = false
  const killNow = () => {
    if (killedAtMs !== undefined || child.exitCode !== null || child.signalCode !== null) return
    killedAtMs = since()
    child.kill('SIGKILL')
  }
  const armKill = () => {
    if (!kill || inChild || armed) return
    armed = true
    if (kill.delayMs === 0) killNow()
    else timer = setTimeout(killNow, kill.delayMs)
  }
  if (kill && kill.afterPhase === 0) armKill()
  let timedOut = false
  const hang = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, HANG_MS)

  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const at = since()
    stdout += chunk
    const complete = (pendingLine + chunk).split('\n')
    pendingLine = complete.pop()!
    for (const line of complete) {
      lines.push({text: line, atMs: at})
      phases.see(line)
      if (kill && phases.current >= kill.afterPhase) armKill()
      const match = STARTED.exec(line.trim())
      if (match) titles.push({title: match[1], atMs: at})
    }
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdio[MARK_FD]!.on('data', () => (killedAtMs ??= since()))
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, sig) => resolve([code, sig]))
  })
  clearTimeout(timer)
  clearTimeout(hang)
  return {exitCode, signal, stdout, stderr, titles, lines, durationMs: since(), killedAtMs, timedOut}
}
