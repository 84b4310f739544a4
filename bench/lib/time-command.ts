import {spawn} from 'node:child_process'

/** Wall milliseconds of one `node <script> ...args` run, from spawn to exit; fails unless it exits 0. */
export async function timeNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, [script, ...args], {env, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  const ms = performance.now() - started
  if (code !== 0) throw new Error(`node ${script} ${args.join(' ')} exited with ${code}\n${stderr.trim()}`)
  return ms
}
