/**
 * `npm run bench:startup [-- --runs N] [--warmups W] [--seed S] [--profile DIR]`: what the plugin costs a host CLI
 * at start-up. Packs the plugin as published, builds a host oclif CLI (three commands and its own manifest, as a
 * published CLI has) with it and one without, then runs, in rounds (each round's order shuffled, seeded, so neither
 * side always goes first): the host's own `hello` with and without the plugin, the plugin's `--help` of
 * server:lost-master-key and server:rotate-master-key, and the host's `hello --help` without the plugin (the least
 * any help costs in this host).
 *
 * The hook ratio is the price every other command of the host pays for the plugin (its manifest and prerun hook):
 * the median of each round's `hello` with / without, with a 95% interval (rounds drawn again with replacement,
 * seeded: the seed is printed). The goal is judged on hosts that list no other plugin, where this plugin also pays for
 * oclif matching the host's dependencies against `oclif.plugins` (the first `minimatch`, about 3 ms); a second pair of
 * hosts lists @oclif/plugin-help, as most real hosts list some plugin, and its ratio is printed beside it. Beside
 * each, the CPU the plugin adds (each process reports its own CPU time; on a shared machine, wall time also counts the
 * waits for a core, CPU time does not), as a per-round median in ms.
 * `--profile DIR` also writes `--cpu-prof` profiles of the host with and without the plugin into DIR and prints
 * where their self time differs. Prints tables, then, last, one JSON line with the goals (hook ratio's upper end
 * ≤ 1.05, the plugin's --help ≤ 200 ms). Reports only: timing never fails it.
 */
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'

import {buildHostCli, packPlugin} from '../scripts/lib/host-cli.js'
import {Prng} from '../scripts/seeder/prng.js'
import {seedArg, wholeNumber} from './lib/bench-args.js'
import {profileDifference, selfTimeByPlace} from './lib/cpu-profile-summary.js'
import {bootstrapInterval, median, round} from './lib/stats.js'
import {type Timing, timeNode} from './lib/time-command.js'

// 150 rounds: with 60, and a ratio of the two series' medians, the interval spanned 0.96–1.09 on a shared 2-core
// machine; per-round ratios of 150 rounds cancel the drift between rounds that made it so wide.
const USAGE = 'Usage: npm run bench:startup -- [--runs N] [--warmups W] [--seed S] [--profile DIR]'
const {values} = parseArgs({
  options: {
    runs: {type: 'string', default: '150'},
    warmups: {type: 'string', default: '2'},
    seed: {type: 'string'},
    profile: {type: 'string'},
  },
})
let runs: number
let warmups: number
let seed: number
try {
  runs = wholeNumber(values.runs, 'runs', 1)
  warmups = wholeNumber(values.warmups, 'warmups', 0)
  seed = seedArg(values.seed)
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`)
  process.exit(2)
}

const GOALS = {hookRatioHigh: 1.05, helpMs: 200} as const
const PLUGIN = '@recovery/plugin-lost-master-key'
// The plugin a host made by `oclif generate` lists: the second pair of hosts lists it, with and without this plugin.
const LISTED_PLUGIN = '@oclif/plugin-help'
const PROFILE_RUNS = 5
const PROFILE_INTERVAL_US = 200
// A host CLI in production: under NODE_ENV=development or test oclif would look for the plugin's TypeScript sources.
const env: NodeJS.ProcessEnv = {...process.env, NODE_ENV: 'production'}
delete env.NODE_OPTIONS

const work = await mkdtemp(path.join(tmpdir(), 'bench-startup-'))
try {
  let started = performance.now()
  const tarball = await packPlugin(work)
  const withPlugin = await buildHostCli({pluginTarball: tarball, dir: path.join(work, 'with-plugin'), manifest: true})
  const without = await buildHostCli({dir: path.join(work, 'without-plugin'), manifest: true})
  const listing = {manifest: true, otherPlugins: [LISTED_PLUGIN]}
  const listedWith = await buildHostCli({...listing, pluginTarball: tarball, dir: path.join(work, 'listed-with')})
  const listedWithout = await buildHostCli({...listing, dir: path.join(work, 'listed-without')})
  console.log(
    `Packed the plugin and built the four host CLIs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )

  const installed = path.join(withPlugin.dir, 'node_modules', PLUGIN)
  const manifestPath = path.join(installed, 'oclif.manifest.json')
  const commands = existsSync(manifestPath)
    ? Object.keys((JSON.parse(await readFile(manifestPath, 'utf8')) as {commands: object}).commands).length
    : undefined
  const ownCore = existsSync(path.join(installed, 'node_modules', '@oclif', 'core'))
  const manifest =
    commands === undefined ? 'MISSING (oclif imports every command at every start)' : `${commands} commands`
  console.log(
    `installed plugin: oclif.manifest.json ${manifest}; ` +
      `own @oclif/core copy: ${ownCore ? 'YES (loaded beside the host’s)' : 'no (shares the host’s)'}`,
  )

  const cases = {
    helloWith: {name: 'hello (with plugin)', bin: withPlugin.bin, args: ['hello']},
    helloWithout: {name: 'hello (without plugin)', bin: without.bin, args: ['hello']},
    listedWith: {name: `hello (with plugin; host lists ${LISTED_PLUGIN})`, bin: listedWith.bin, args: ['hello']},
    listedWithout: {
      name: `hello (without plugin; host lists ${LISTED_PLUGIN})`,
      bin: listedWithout.bin,
      args: ['hello'],
    },
    helpLost: {
      name: 'server:lost-master-key --help',
      bin: withPlugin.bin,
      args: ['server:lost-master-key', '--help'],
    },
    helpRotate: {
      name: 'server:rotate-master-key --help',
      bin: withPlugin.bin,
      args: ['server:rotate-master-key', '--help'],
    },
    helpHost: {name: 'hello --help (without plugin)', bin: without.bin, args: ['hello', '--help']},
  }
  type CaseName = keyof typeof cases
  const names = Object.keys(cases) as CaseName[]
  const times = Object.fromEntries(names.map((name) => [name, [] as Timing[]])) as Record<CaseName, Timing[]>
  const order = new Prng(seed, 'bench-startup-order')
  started = performance.now()
  for (let run = -warmups; run < runs; run++) {
    for (const name of shuffled(names, () => order.next())) {
      const timing = await timeNode(cases[name].bin, cases[name].args, env)
      if (run >= 0) times[name].push(timing)
    }
  }
  console.log(
    `Timed ${runs} rounds of each (after ${warmups} warm-ups, order shuffled per round) in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  )

  const wall = (name: CaseName) => times[name].map((t) => t.wallMs)
  const cpu = (name: CaseName) => times[name].map((t) => t.cpuMs)
  console.log('')
  console.log('| command | median wall ms | min | max | median CPU ms |')
  console.log('|---|---:|---:|---:|---:|')
  for (const name of names) {
    console.log(
      `| ${cases[name].name} | ${median(wall(name)).toFixed(0)} | ${Math.min(...wall(name)).toFixed(0)} | ` +
        `${Math.max(...wall(name)).toFixed(0)} | ${median(cpu(name)).toFixed(0)} |`,
    )
  }

  const random = new Prng(seed, 'bench-startup')
  type Compare = (x: number, y: number) => number
  const perRound = (a: CaseName, b: CaseName, pick: (t: Timing) => number, compare: Compare) =>
    times[a].map((t, i) => compare(pick(t), pick(times[b][i])))
  const estimate = (values: number[]) => ({
    value: median(values),
    interval: bootstrapInterval(values, () => random.next()),
  })
  const wallOf = (t: Timing) => t.wallMs
  const cpuOf = (t: Timing) => t.cpuMs
  const ratio: Compare = (x, y) => x / y
  const difference: Compare = (x, y) => x - y
  const hookRatio = estimate(perRound('helloWith', 'helloWithout', wallOf, ratio))
  const hookCpuRatio = estimate(perRound('helloWith', 'helloWithout', cpuOf, ratio))
  const addedCpu = estimate(perRound('helloWith', 'helloWithout', cpuOf, difference))
  const helpAddedCpu = estimate(perRound('helpLost', 'helpHost', cpuOf, difference))
  const listedRatio = estimate(perRound('listedWith', 'listedWithout', wallOf, ratio))
  const listedCpu = estimate(perRound('listedWith', 'listedWithout', cpuOf, difference))
  const helpMs = median(wall('helpLost'))
  const helpRotateMs = median(wall('helpRotate'))
  const span = ([low, high]: [number, number], digits: number) => `${low.toFixed(digits)}–${high.toFixed(digits)}`
  console.log('')
  console.log(
    `hook ratio (hello with / without the plugin, ${commands ?? '?'} commands in its manifest; median of ${runs} ` +
      `rounds): ${hookRatio.value.toFixed(3)} (95% interval ${span(hookRatio.interval, 3)}, seed ${seed}; ` +
      `goal: upper end ≤ ${GOALS.hookRatioHigh})`,
  )
  console.log(
    `CPU the plugin adds to every host command: ${addedCpu.value.toFixed(1)} ms (95% interval ` +
      `${span(addedCpu.interval, 1)}); CPU ratio ${hookCpuRatio.value.toFixed(3)} ` +
      `(${span(hookCpuRatio.interval, 3)})`,
  )
  console.log(
    `in a host that lists another plugin (${LISTED_PLUGIN}, as \`oclif generate\` makes one), which matches its ` +
      `dependencies against that list at every start with or without this plugin: hook ratio ` +
      `${listedRatio.value.toFixed(3)} (${span(listedRatio.interval, 3)}), the plugin adding ` +
      `${listedCpu.value.toFixed(1)} ms of CPU (${span(listedCpu.interval, 1)})`,
  )
  console.log(
    `--help: server:lost-master-key ${helpMs.toFixed(0)} ms, server:rotate-master-key ` +
      `${helpRotateMs.toFixed(0)} ms (goal ≤ ${GOALS.helpMs}); the host's own hello --help ` +
      `${median(wall('helpHost')).toFixed(0)} ms; server:lost-master-key's help costs ` +
      `${helpAddedCpu.value.toFixed(1)} ms of CPU more than it (${span(helpAddedCpu.interval, 1)})`,
  )

  if (values.profile) {
    const dir = path.resolve(values.profile)
    const profiled = {with: 'helloWith', without: 'helloWithout', help: 'helpLost'} as const
    for (const [label, name] of Object.entries(profiled)) {
      const into = path.join(dir, label)
      await mkdir(into, {recursive: true})
      const profileArgs = ['--cpu-prof', `--cpu-prof-dir=${into}`, `--cpu-prof-interval=${PROFILE_INTERVAL_US}`]
      for (let run = 0; run < PROFILE_RUNS; run++) await timeNode(cases[name].bin, cases[name].args, env, profileArgs)
    }
    const [withProfile, withoutProfile] = await Promise.all(
      ['with', 'without'].map((label) => selfTimeByPlace(path.join(dir, label), PROFILE_INTERVAL_US, PLUGIN)),
    )
    console.log('')
    console.log(`Self time of hello, with and without the plugin (${PROFILE_RUNS} --cpu-prof runs each, in ${dir}):`)
    console.log(profileDifference(withProfile.ms, withoutProfile.ms, ['with', 'without']))
  }

  const hookGoal = {measured: round(hookRatio.interval[1], 3), limit: GOALS.hookRatioHigh}
  const helpGoal = {measured: round(Math.max(helpMs, helpRotateMs), 0), limit: GOALS.helpMs}
  console.log(
    JSON.stringify({
      commands,
      runs,
      help_ms: round(helpMs, 0),
      help_rotate_ms: round(helpRotateMs, 0),
      host_help_ms: round(median(wall('helpHost')), 0),
      help_added_cpu_ms: round(helpAddedCpu.value, 1),
      hook_ratio: round(hookRatio.value, 3),
      hook_ratio_interval_95: hookRatio.interval.map((value) => round(value, 3)),
      added_cpu_ms: round(addedCpu.value, 1),
      added_cpu_ms_interval_95: addedCpu.interval.map((value) => round(value, 1)),
      cpu_ratio: round(hookCpuRatio.value, 3),
      cpu_ratio_interval_95: hookCpuRatio.interval.map((value) => round(value, 3)),
      listed_host: {
        hook_ratio: round(listedRatio.value, 3),
        hook_ratio_interval_95: listedRatio.interval.map((value) => round(value, 3)),
        added_cpu_ms: round(listedCpu.value, 1),
      },
      seed,
      goals: {
        hook_ratio_upper: {...hookGoal, pass: hookGoal.measured <= hookGoal.limit},
        help_ms: {...helpGoal, pass: helpGoal.measured <= helpGoal.limit},
      },
    }),
  )
} finally {
  await rm(work, {recursive: true, force: true})
}

/** A copy of `items` in an order drawn from `random` (Fisher–Yates). */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j], copy[i]]
  }
  return copy
}
