/**
 * `npm run bench:compare -- [--base REV] [--documents N] [--rounds R] [--seed S]`: is the working tree faster than
 * commit REV? Both are compiled as shipped; each round runs the reset of each build once, on a fresh copy of one
 * seeded database, in its own process, the order alternating from round to round so drift hits both alike. Prints
 * each build's mean, median and quartiles, then, last, one JSON line with the ratio of the means and its 95% interval
 * (rounds drawn again with replacement, seeded: the seed is printed). On a 2-core machine 12 rounds showed differences
 * of up to 10% between two builds that 40 rounds found equal: an interval that holds 1 means no difference was seen.
 * Each build's transaction is also put against the physical limit (medians: its wall time, its backend's CPU, the
 * tool's own CPU over it and `limit_ratio`, as `npm run bench` does). Reports only.
 */
import {parseArgs} from 'node:util'

import {Prng} from '../scripts/seeder/prng.js'
import {seedArg, wholeNumber} from './lib/bench-args.js'
import {compileChildren, compileRevision} from './lib/compiled-children.js'
import {measureOnFreshCopy, type Run} from './lib/fresh-copy-run.js'
import {backendCpu, limitRatio} from './lib/limit-ratio.js'
import {runMeasuringChild} from './lib/run-child.js'
import {createBenchTemplate, startEmbeddedPostgres} from './lib/bench-template.js'
import {mean, median, nullable, pairedRatioInterval, quantile, round} from './lib/stats.js'

const USAGE = `Usage: npm run bench:compare -- [--base REV] [--documents N] [--rounds R] [--seed S]
  --base REV       the commit to compare the working tree with (default HEAD)
  --documents N    documents in the seeded database (default 20000)
  --rounds R       rounds, each running both builds once (default 40)
  --seed S         seed of the interval's resampling (default: random, printed)`

let args: {base: string; documents: number; rounds: number; seed: number}
try {
  const {values} = parseArgs({
    strict: true,
    options: {
      base: {type: 'string', default: 'HEAD'},
      documents: {type: 'string', default: '20000'},
      rounds: {type: 'string', default: '40'},
      seed: {type: 'string'},
      help: {type: 'boolean', default: false},
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  args = {
    base: values.base,
    documents: wholeNumber(values.documents, 'documents', 100),
    rounds: wholeNumber(values.rounds, 'rounds', 2),
    seed: seedArg(values.seed),
  }
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`)
  process.exit(2)
}

let baseRoot: string
try {
  baseRoot = await compileRevision(args.base)
} catch (error) {
  console.error(`--base: ${(error as Error).message}\n\n${USAGE}`)
  process.exit(2)
}
const builds = [
  {name: 'working tree', root: await compileChildren(), seconds: [] as number[], runs: [] as Run[]},
  {name: `base ${args.base}`, root: baseRoot, seconds: [] as number[], runs: [] as Run[]},
]
console.log(`Compiled the working tree and ${args.base}; interval seed ${args.seed}`)

const server = await startEmbeddedPostgres()
try {
  const template = await createBenchTemplate(server, 'bench_compare', args.documents)
  try {
    for (let round = 1; round <= args.rounds; round++) {
      for (const build of round % 2 === 1 ? builds : [...builds].reverse()) {
        const tool = () =>
          runMeasuringChild('tool-run.ts', ['--database-url', template.databaseUrl], template.env, [], build.root)
        const run = await measureOnFreshCopy(template, `${build.name} (round ${round})`, tool)
        build.seconds.push(run.seconds)
        build.runs.push(run)
      }
      console.log(`round ${round}: ${builds.map((b) => `${b.name} ${b.seconds.at(-1)!.toFixed(3)} s`).join(', ')}`)
    }
  } finally {
    await template.dispose()
  }
} finally {
  await server.stop()
}

console.log('')
console.log(`Wall time of the reset, ${args.rounds} rounds:`)
console.log('| build | mean s | median s | lower quartile s | upper quartile s |')
console.log('|---|---:|---:|---:|---:|')
for (const {name, seconds} of builds) {
  const cells = [mean(seconds), median(seconds), quantile(seconds, 0.25), quantile(seconds, 0.75)]
  console.log(`| ${name} | ${cells.map((value) => value.toFixed(3)).join(' | ')} |`)
}
console.log('')
console.log(`The transaction against the physical limit (medians):`)
console.log("| build | transaction s | backend CPU s | the tool's own CPU s | limit ratio |")
console.log('|---|---:|---:|---:|---:|')
const medianOf = (runs: readonly Run[], key: string) => median(runs.map((r) => r.detail[key]))
for (const {name, runs} of builds) {
  const cells = [medianOf(runs, 'transactionSeconds'), backendCpu(runs), medianOf(runs, 'transactionToolCpuSeconds')]
  console.log(`| ${name} | ${cells.map((value) => value?.toFixed(3)).join(' | ')} | ${limitRatio(runs)?.toFixed(3)} |`)
}
const [tree, base] = builds
const random = new Prng(args.seed, 'bench-compare')
const [low, high] = pairedRatioInterval(tree.seconds, base.seconds, () => random.next())
const ratio = mean(tree.seconds) / mean(base.seconds)
const verdict = high < 1 ? 'faster' : low > 1 ? 'slower' : 'no difference seen'
console.log(`working tree over ${args.base}: ${ratio.toFixed(3)} (95% interval ${low.toFixed(3)}–${high.toFixed(3)})`)
console.log(
  JSON.stringify({
    base: args.base,
    documents: args.documents,
    rounds: args.rounds,
    seed: args.seed,
    tree_mean_s: round(mean(tree.seconds), 3),
    base_mean_s: round(mean(base.seconds), 3),
    ratio: round(ratio, 3),
    tree_limit_ratio: nullable(limitRatio(tree.runs)),
    base_limit_ratio: nullable(limitRatio(base.runs)),
    ratio_interval_95: [round(low, 3), round(high, 3)],
    verdict,
  }),
)
