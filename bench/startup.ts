/**
 * `npm run bench:startup [-- --runs N] [--seed S]`: what the plugin costs a host CLI at start-up. Packs the plugin as
 * published, builds a host oclif CLI with it and one without, then times (median of N runs after 2 warm-ups,
 * runs interleaved so drift hits all alike) `server:lost-master-key --help`, and the host's own `hello` with and
 * without the plugin: their ratio is the price every other command pays for the plugin (its prerun hook and
 * manifest), printed with a 95% interval (rounds drawn again with replacement, seeded: the seed is printed).
 * Prints a table, then, last, one JSON line. Reports only: timing never fails it.
 */
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'

import {buildHostCli, packPlugin} from '../scripts/lib/host-cli.js'
import {Prng} from '../scripts/seeder/prng.js'
import {seedArg, wholeNumber} from './lib/bench-args.js'
import {median, pairedRatioInterval, round} from './lib/stats.js'
import {timeNode} from './lib/time-command.js'

// 60 runs: with 15, the ratio moved between 1.03 and 1.09 from one run to the next on a 2-core machine, and single
// runs of `hello` spread from 190 to 300 ms.
const {values} = parseArgs({
  options: {runs: {type: 'string', default: '60'}, warmups: {type: 'string', default: '2'}, seed: {type: 'string'}},
})
let runs: number
let warmups: number
let seed: number
try {
  runs = wholeNumber(values.runs, 'runs', 1)
  warmups = wholeNumber(values.warmups, 'warmups', 0)
  seed = seedArg(values.seed)
} catch (error) {
  console.error(`${(error as Error).message}\n\nUsage: npm run bench:startup -- [--runs N] [--warmups W] [--seed S]`)
  process.exit(2)
}

const PLUGIN = '@recovery/plugin-lost-master-key'
// A host CLI in production: under NODE_ENV=development or test oclif would look for the plugin's TypeScript sources.
const env: NodeJS.ProcessEnv = {...process.env, NODE_ENV: 'production'}
delete env.NODE_OPTIONS

const work = await mkdtemp(path.join(tmpdir(), 'bench-startup-'))
try {
  let started = performance.now()
  const tarball = await packPlugin(work)
  const withPlugin = await buildHostCli({pluginTarball: tarball, dir: path.join(work, 'with-plugin')})
  const without = await buildHostCli({dir: path.join(work, 'without-plugin')})
  console.log(`Packed the plugin and built both host CLIs in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  const installed = path.join(withPlugin.dir, 'node_modules', PLUGIN)
  const manifest = existsSync(path.join(installed, 'oclif.manifest.json'))
  const ownCore = existsSync(path.join(installed, 'node_modules', '@oclif', 'core'))
  console.log(
    `installed plugin: oclif.manifest.json ` +
      `${manifest ? 'present' : 'MISSING (oclif scans dist/commands at every start)'}; ` +
      `own @oclif/core copy: ${ownCore ? 'YES (loaded beside the host’s)' : 'no (shares the host’s)'}`,
  )

  const cases = [
    {
      name: 'server:lost-master-key --help (with plugin)',
      bin: withPlugin.bin,
      args: ['server:lost-master-key', '--help'],
    },
    {name: 'hello (with plugin)', bin: withPlugin.bin, args: ['hello']},
    {name: 'hello (without plugin)', bin: without.bin, args: ['hello']},
  ]
  const times = cases.map((): number[] => [])
  started = performance.now()
  for (let run = -warmups; run < runs; run++) {
    for (const [index, c] of cases.entries()) {
      const ms = await timeNode(c.bin, c.args, env)
      if (run >= 0) times[index].push(ms)
    }
  }
  console.log(
    `Timed ${runs} runs of each (after ${warmups} warm-ups) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )

  const [help, helloWith, helloWithout] = times.map((t) => median(t))
  console.log('')
  console.log('| command | median ms | min ms | max ms |')
  console.log('|---|---:|---:|---:|')
  for (const [index, c] of cases.entries()) {
    console.log(
      `| ${c.name} | ${median(times[index]).toFixed(0)} | ${Math.min(...times[index]).toFixed(0)} | ` +
        `${Math.max(...times[index]).toFixed(0)} |`,
    )
  }
  console.log('')
  const random = new Prng(seed, 'bench-startup')
  const [low, high] = pairedRatioInterval(times[1], times[2], () => random.next(), {statistic: median})
  console.log(
    `hook ratio (hello with / without the plugin, medians): ${(helloWith / helloWithout).toFixed(3)} ` +
      `(95% interval ${low.toFixed(3)}–${high.toFixed(3)}, seed ${seed}; goal ≤ 1.05)`,
  )
  console.log(
    JSON.stringify({
      help_ms: round(help, 0),
      hook_ratio: round(helloWith / helloWithout, 3),
      hook_ratio_interval_95: [round(low, 3), round(high, 3)],
      seed,
    }),
  )
} finally {
  await rm(work, {recursive: true, force: true})
}
