import {runCommand} from '@oclif/test'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

/** The plugin's root, as oclif loads it in the tests (its TypeScript sources). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The confirmations of a reset, with the backup check skipped: the tests' usual confirmed run. */
export const RESET = '--iReallyWantToResetAllMySensitiveData'
export const BACKED_UP = '--iHaveBackedUpMyDatabase'
export const CONFIRMED = [RESET, BACKED_UP, '--skipBackupCheck']

export interface CommandRun {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
  /** The error's message and its suggestions, as oclif shows them. */
  readonly message: string
}

/** Under --json an error is printed to stdout as `{"error": {...}}` rather than thrown. */
function jsonErrorMessage(stdout: string): string {
  try {
    const parsed = JSON.parse(stdout) as {error?: {message?: string}}
    return parsed.error?.message ?? ''
  } catch {
    return ''
  }
}

/**
 * Runs `server:lost-master-key` in this process through oclif (flags, hooks, rendering, catch) with `env`
 * added to the environment, and returns what an operator would see: exit code, stdout, stderr.
 */
export async function runLostMasterKey(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CommandRun> {
  return runPluginCommand('server:lost-master-key', args, env)
}

/** Any of the plugin's commands, run as `runLostMasterKey` runs its own. */
export async function runPluginCommand(
  id: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CommandRun> {
  return runInProcess(() => runCommand([id, ...args], {root: ROOT}), env)
}

/** What @oclif/test's runCommand and captureOutput return. */
type Captured = Awaited<ReturnType<typeof runCommand>>

/**
 * Runs `work` (oclif running a command, or part of a run, its output captured) in this process with `env` added to
 * the environment, and returns what an operator would see: exit code, stdout, stderr.
 */
export async function runInProcess(
  work: () => Promise<Captured>,
  env: Record<string, string | undefined> = {},
): Promise<CommandRun> {
  const saved: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key]
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  try {
    const {error, stdout, stderr} = await work()
    const exitCode =
      (error as {oclif?: {exit?: number}} | undefined)?.oclif?.exit ??
      (typeof process.exitCode === 'number' ? process.exitCode : 0)
    const suggestions = (error as {suggestions?: string[]} | undefined)?.suggestions ?? []
    return {exitCode, stdout, stderr, message: [error?.message ?? jsonErrorMessage(stdout), ...suggestions].join('\n')}
  } finally {
    // The command sets process.exitCode for --json errors; it must not become mocha's exit code.
    process.exitCode = undefined
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
}
