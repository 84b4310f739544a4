import {spawn} from 'node:child_process'
import type {Readable} from 'node:stream'

/**
 * Preloaded into the timed process: at exit it writes its own CPU time (user + system, every thread, in µs) to fd 3.
 * Node has no rusage of a child, and on a shared machine CPU time is what a process costs, whatever else runs.
 */
const REPORT_CPU =
  'data:text/javascript,import {writeSync} from "node:fs";' +
  'process.on("exit", () => { const {user, system} = process.cpuUsage(); writeSync(3, String(user + system)) })'

export interface Timing {
  /** From spawn to exit. */
  readonly wallMs: number
  /** The process's own CPU time. */
  readonly cpuMs: number
}

/**
 * One `node [...nodeArgs] <script> ...args` run, timed; fails unless it exits 0. Every run carries the same small
 * preload (REPORT_CPU), so it weighs alike on whatever is compared.
 */
export async function timeNode(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  nodeArgs: readonly string[] = [],
): Promise<Timing> {
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', REPORT_CPU, ...nodeArgs, script, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  let cpu = ''
  const report = child.stdio[3] as Readable
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  report.setEncoding('utf8').on('data', (chunk: string) => (cpu += chunk))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  const wallMs = performance.now() - started
  if (code !== 0) throw new Error(`node ${script} ${args.join(' ')} exited with ${code}\n${stderr.trim()}`)
  return {wallMs, cpuMs: Number(cpu) / 1000}
}
