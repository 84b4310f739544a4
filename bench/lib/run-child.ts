import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {Measurement} from './measurement.js'

const BENCH_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Runs `bench/children/<script>` in its own Node process (so its peak RSS is its own) and returns the
 * measurement it prints last. `nodeOptions` go before the script, e.g. `--cpu-prof`. With `compiledRoot` (see
 * compiled-children.ts) it runs the compiled `.js` with plain Node; else the `.ts` through tsx.
 */
export async function runMeasuringChild(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  nodeOptions: readonly string[] = [],
  compiledRoot?: string,
): Promise<Measurement> {
  const entry = compiledRoot
    ? [...nodeOptions, path.join(compiledRoot, 'bench/children', script.replace(/\.ts$/, '.js'))]
    : ['--import', 'tsx', ...nodeOptions, path.join(BENCH_ROOT, 'children', script)]
  const child = spawn(process.execPath, [...entry, ...args], {
    env: {...process.env, ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  const last = stdout.trim().split('\n').at(-1) ?? ''
  if (code !== 0 || !last.startsWith('{')) {
    throw new Error(`${script} exited with ${code}\n${stderr.trim() || stdout.trim()}`)
  }
  return JSON.parse(last) as Measurement
}
