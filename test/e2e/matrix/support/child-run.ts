import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {CommandRun} from '../../../support/run-command.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')

export interface ChildOptions {
  /** Run as this user (root ignores file modes, so an unreadable file needs another user). */
  readonly uid?: number
  readonly gid?: number
  /** Called with each chunk of stdout as it arrives. */
  readonly onStdout?: (text: string) => void
  /** Written to its standard input, which is then closed (default: no standard input). */
  readonly stdin?: string
  /** The command (default server:lost-master-key). */
  readonly command?: string
}

export interface ChildRun extends CommandRun {
  readonly pid: number
}

function jsonError(stdout: string): string {
  try {
    const {error} = JSON.parse(stdout) as {error?: {message?: string; suggestions?: string[]}}
    return [error?.message ?? '', ...(error?.suggestions ?? [])].join('\n')
  } catch {
    return ''
  }
}

/**
 * A command (`server:lost-master-key` unless told) from the sources in a child process, as an operator runs it
 * (CI=true: plain output). Resolves when it exits; `message` is what it printed as an error (stderr, or the --json
 * error).
 */
export function runChild(
  args: string[],
  env: Record<string, string | undefined>,
  options: ChildOptions = {},
): Promise<ChildRun> {
  const childEnv: Record<string, string> = {}
  for (const [key, value] of Object.entries({...process.env, ...env, CI: 'true'}))
    if (value !== undefined) childEnv[key] = value
  const command = options.command ?? 'server:lost-master-key'
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/dev.js', command, ...args], {
    cwd: ROOT,
    env: childEnv,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  })
  if (options.stdin !== undefined) child.stdin?.end(options.stdin)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    options.onStdout?.(stdout)
  })
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) =>
      resolve({
        pid: child.pid!,
        exitCode: code ?? (signal ? 128 : -1),
        stdout,
        stderr,
        message: [stderr, jsonError(stdout)].join('\n'),
      }),
    )
  })
}
