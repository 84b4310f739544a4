import {spawn} from 'node:child_process'
import {performance} from 'node:perf_hooks'

import {PLUGIN_ROOT} from '../../../scripts/lib/host-cli.js'

/** When to SIGKILL: `delayMs` after the line announcing `afterTitle` appears (after the spawn when undefined). */
export interface KillAt {
  readonly afterTitle: string | undefined
  readonly delayMs: number
}

export interface ChildRun {
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** Each step title the run announced, with its time since the spawn. */
  readonly titles: ReadonlyArray<{readonly title: string; readonly atMs: number}>
  /** Time from the spawn to the exit. */
  readonly durationMs: number
  /** When the kill was sent (since the spawn), if it was. */
  readonly killedAtMs?: number
  /** Killed because it ran longer than any run may (a hang, not a crash trial's kill). */
  readonly timedOut: boolean
}

/** A run of a few thousand documents takes seconds; this long means it hangs. */
const HANG_MS = 120_000

/** The simple renderer announces a step as `❯ <title>` before the step does any work. */
const STARTED = /^❯ (.+)$/

/**
 * Runs `server:lost-master-key` from the sources in a child process, as an operator would (plain output: CI=true),
 * and optionally SIGKILLs it at an instant set relative to a step it announced.
 */
export async function runCommandChild(args: string[], env: Record<string, string>, kill?: KillAt): Promise<ChildRun> {
  const started = performance.now()
  const since = () => performance.now() - started
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/dev.js', 'server:lost-master-key', ...args], {
    cwd: PLUGIN_ROOT,
    // NODE_ENV=development makes oclif load the TypeScript sources rather than a possibly stale dist/.
    env: {...process.env, ...env, CI: 'true', NODE_ENV: 'development'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const titles: Array<{title: string; atMs: number}> = []
  let stdout = ''
  let stderr = ''
  let pendingLine = ''
  let killedAtMs: number | undefined
  let timer: NodeJS.Timeout | undefined
  const armKill = () => {
    if (!kill || timer) return
    timer = setTimeout(() => {
      killedAtMs = since()
      child.kill('SIGKILL')
    }, kill.delayMs)
  }
  if (kill && kill.afterTitle === undefined) armKill()
  let timedOut = false
  const hang = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, HANG_MS)

  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const at = since()
    stdout += chunk
    const lines = (pendingLine + chunk).split('\n')
    pendingLine = lines.pop()!
    for (const line of lines) {
      const match = STARTED.exec(line.trim())
      if (!match) continue
      titles.push({title: match[1], atMs: at})
      if (kill && match[1] === kill.afterTitle) armKill()
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, sig) => resolve([code, sig]))
  })
  clearTimeout(timer)
  clearTimeout(hang)
  return {exitCode, signal, stdout, stderr, titles, durationMs: since(), killedAtMs, timedOut}
}
