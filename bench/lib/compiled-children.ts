import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** Under node_modules, so the compiled files find the packages (and git ignores them). */
export const COMPILED_ROOT = path.join(REPO, 'node_modules/.cache/bench-build')

/**
 * Compiles the measuring children and the plugin's source to plain JavaScript (bench/tsconfig.children.json), so a
 * child runs as the shipped command does: `node file.js`, without tsx, whose compiler and source maps alone add
 * about 60 MB of resident memory to every process. Types are checked by `npm run typecheck`, not here.
 */
export async function compileChildren(): Promise<string> {
  const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc')
  await promisify(execFile)(
    process.execPath,
    [tsc, '-p', path.join(REPO, 'bench/tsconfig.children.json'), '--noCheck'],
    {cwd: REPO},
  )
  if (!existsSync(path.join(COMPILED_ROOT, 'bench/children/tool-run.js')))
    throw new Error(`compiling the bench children left nothing in ${COMPILED_ROOT}`)
  return COMPILED_ROOT
}
