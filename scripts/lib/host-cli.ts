import {execFileSync} from 'node:child_process'
import {cp, mkdir, mkdtemp, readFile, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

/** The plugin's repository root. */
export const PLUGIN_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

const PACKED_SOURCES = ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'bin', 'src']

/**
 * `npm pack`s the plugin as it would be published (its prepack builds dist/ and the manifest) and returns the
 * tarball's path. It packs a copy of the sources, so the working tree never sees a build or a manifest.
 */
export async function packPlugin(into: string): Promise<string> {
  const copy = path.join(into, 'plugin-source')
  for (const entry of PACKED_SOURCES) await cp(path.join(PLUGIN_ROOT, entry), path.join(copy, entry), {recursive: true})
  await symlink(path.join(PLUGIN_ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir')
  // As a release is packed: under NODE_ENV=test oclif would write the sources' paths into the manifest.
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', into], {
    cwd: copy,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, NODE_ENV: 'production'},
  })
  const [{filename}] = JSON.parse(output.slice(output.indexOf('['))) as Array<{filename: string}>
  return path.join(into, filename)
}

/**
 * The host's own commands, each saying who it is. More than one, as an ops team's CLI has: oclif sorts a plugin's
 * commands with `localeCompare`, and the first compare starts ICU's collator (about 8 ms here). A host of one command
 * never compares, so the first plugin with several would be billed for a start every real multi-command host makes.
 */
const HOST_COMMANDS = ['hello', 'status', 'deploy']

function hostCommand(name: string): string {
  return `import {Command} from '@oclif/core'

export default class ${name[0].toUpperCase()}${name.slice(1)} extends Command {
  static summary = 'Says ${name} (a command of the host CLI itself).'
  async run() {
    this.log('${name} from the host')
  }
}
`
}

/**
 * A minimal multi-command oclif CLI, as an ops team would have, with three commands of its own. With a
 * tarball it lists the plugin as a dependency and in `oclif.plugins`, as `plugins install` would. With `manifest`
 * it has its own oclif.manifest.json, as a published CLI does (`oclif manifest` at prepack); without one, oclif
 * imports every host command at each start to learn its flags. `otherPlugins` are packages of this checkout's
 * node_modules the host lists too, as `oclif generate` lists @oclif/plugin-help: a host that lists any plugin
 * matches its dependencies against the list at every start, one that lists none does not.
 */
export async function buildHostCli(options: {
  pluginTarball?: string
  dir?: string
  manifest?: boolean
  otherPlugins?: readonly string[]
}): Promise<{dir: string; bin: string}> {
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'host-cli-')))
  const ours = JSON.parse(await readFile(path.join(PLUGIN_ROOT, 'package.json'), 'utf8')) as {
    name: string
    dependencies: Record<string, string>
  }
  const dependencies: Record<string, string> = {'@oclif/core': ours.dependencies['@oclif/core']}
  const otherPlugins = options.otherPlugins ?? []
  for (const name of otherPlugins) dependencies[name] = await installedVersion(name)
  if (options.pluginTarball) dependencies[ours.name] = `file:${options.pluginTarball}`
  await mkdir(path.join(dir, 'bin'), {recursive: true})
  await mkdir(path.join(dir, 'commands'), {recursive: true})
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'ops-host-cli',
        version: '1.0.0',
        private: true,
        type: 'module',
        oclif: {
          bin: 'ops',
          dirname: 'ops-host-cli',
          commands: './commands',
          topicSeparator: ':',
          plugins: [...otherPlugins, ...(options.pluginTarball ? [ours.name] : [])],
        },
        dependencies,
        files: ['/bin', '/commands', '/oclif.manifest.json'],
      },
      null,
      2,
    ),
  )
  for (const name of HOST_COMMANDS) await writeFile(path.join(dir, 'commands', `${name}.js`), hostCommand(name))
  await writeFile(
    path.join(dir, 'bin', 'run.js'),
    "#!/usr/bin/env node\nimport {execute} from '@oclif/core'\n\nawait execute({dir: import.meta.url})\n",
    {mode: 0o755},
  )
  // The packages are already in npm's cache from the plugin's own install.
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=dev', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  if (options.manifest) {
    execFileSync(path.join(PLUGIN_ROOT, 'node_modules', '.bin', 'oclif'), ['manifest'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {...process.env, NODE_ENV: 'production'},
    })
  }
  return {dir, bin: path.join(dir, 'bin', 'run.js')}
}

/** The version of `name` in this checkout's node_modules, so that npm installs it from its cache. */
async function installedVersion(name: string): Promise<string> {
  const manifest = path.join(PLUGIN_ROOT, 'node_modules', name, 'package.json')
  return (JSON.parse(await readFile(manifest, 'utf8')) as {version: string}).version
}
