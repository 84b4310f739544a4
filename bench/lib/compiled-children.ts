import {execFile} from 'node:child_process'
import {existsSync, rmSync} from 'node:fs'
import {mkdir, mkdtemp, symlink} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {sweepFoldersOfGoneProcesses} from '../../scripts/lib/server-folder.js'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** Under node_modules, so the compiled files find the packages (and git ignores them). */
const CACHE = path.join(REPO, 'node_modules/.cache')
const PREFIX = 'bench-build-'

/**
 * A folder of this process's own for one compile, `bench-build-<pid>-…`, removed when the process exits: worktrees
 * share one node_modules, and two benchmarks of one checkout may run at once, so no compile may write over, or delete,
 * another run's children while it still spawns them. Folders left by a killed run (their process gone) are removed.
 */
async function ownFolder(): Promise<string> {
  await mkdir(CACHE, {recursive: true})
  await sweepFoldersOfGoneProcesses(CACHE, PREFIX)
  const folder = await mkdtemp(path.join(CACHE, `${PREFIX}${process.pid}-`))
  process.once('exit', () => rmSync(folder, {recursive: true, force: true}))
  return folder
}

/**
 * Compiles the measuring children and the plugin's source to plain JavaScript (bench/tsconfig.children.json), so a
 * child runs as the shipped command does: `node file.js`, without tsx, whose compiler and source maps alone add
 * about 60 MB of resident memory to every process. Types are checked by `npm run typecheck`, not here.
 */
export async function compileChildren(): Promise<string> {
  return compile(REPO, await ownFolder())
}

/**
 * The same, from commit `revision` (checked out into a temporary worktree that shares this checkout's node_modules),
 * into a folder of its own: the baseline `npm run bench:compare` measures the working tree against.
 */
export async function compileRevision(revision: string): Promise<string> {
  const git = (...args: string[]) => run('git', args, REPO)
  const commit = (
    await git('rev-parse', '--verify', '--quiet', `${revision}^{commit}`).catch(() => {
      throw new Error(`"${revision}" names no commit of this repository`)
    })
  ).trim()
  const worktree = await mkdtemp(path.join(tmpdir(), 'bench-revision-'))
  await git('worktree', 'add', '--detach', worktree, commit)
  try {
    await symlink(path.join(REPO, 'node_modules'), path.join(worktree, 'node_modules'), 'dir')
    return await compile(worktree, await ownFolder())
  } finally {
    await git('worktree', 'remove', '--force', worktree)
  }
}

async function compile(source: string, outDir: string): Promise<string> {
  const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc')
  await run(
    process.execPath,
    [tsc, '-p', path.join(source, 'bench/tsconfig.children.json'), '--noCheck', '--outDir', outDir],
    source,
  )
  if (!existsSync(path.join(outDir, 'bench/children/tool-run.js')))
    throw new Error(`compiling the bench children left nothing in ${outDir}`)
  return outDir
}

async function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  return (await promisify(execFile)(command, args, {cwd})).stdout
}
