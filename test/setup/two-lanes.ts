import {type ChildProcess, spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {mochaGlobalSetup, mochaGlobalTeardown} from './global-postgres.js'
import {SQL_SERVER_SUITES} from './mssql-count.js'

/**
 * `npm run test:integration` and `npm run test:e2e`: a tier's suites in two mocha processes at once, on one pair of
 * servers started here.
 * One lane runs every suite titled "... on mssql" (test/support/engines.ts), the other everything else. The SQL
 * Server lane stays serial because the Babelfish stand-in keeps all its databases in one PostgreSQL database, so
 * `sp_getapplock` (the recovery lock) is shared by every test database there, where SQL Server keeps one per
 * database: two SQL Server tests at once would find each other's lock. Run one after the other, the two lanes left
 * about half of this two-core machine idle, waiting on the engines (README, "Development").
 *
 * Arguments are mocha's (files, and options such as --bail), given to both lanes; without a file, every e2e suite.
 * Each tier's script names its files (package.json).
 * The PostgreSQL lane prints as it goes; the SQL Server lane's output follows when it ends.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const MOCHA = path.join(ROOT, 'node_modules/.bin/mocha')

interface Lane {
  readonly name: string
  readonly grep: string[]
  readonly live: boolean
}

const LANES: Lane[] = [
  {name: 'the PostgreSQL lane (every suite not on mssql)', grep: ['--grep', SQL_SERVER_SUITES, '--invert'], live: true},
  {name: 'the SQL Server lane (suites on mssql)', grep: ['--grep', SQL_SERVER_SUITES], live: false},
]

/** The lanes running now, so that an interrupt reaches them and the servers are still stopped after. */
const running = new Set<ChildProcess>()
let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    interrupted = true
    for (const child of running) child.kill(signal)
  })

function runLane(lane: Lane, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(MOCHA, ['--require', 'test/setup/global-postgres.ts', ...lane.grep, ...args], {
      cwd: ROOT,
      stdio: lane.live ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    })
    running.add(child)
    const held: Buffer[] = []
    child.stdout?.on('data', (chunk: Buffer) => held.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => held.push(chunk))
    child.once('error', reject)
    child.once('close', (code, signal) => {
      running.delete(child)
      if (!lane.live) process.stdout.write(`\n  ── ${lane.name} ──\n${Buffer.concat(held).toString()}`)
      resolve(code ?? (signal ? 1 : 0))
    })
  })
}

async function main(): Promise<number> {
  const given = process.argv.slice(2)
  // Without a file or folder (options alone, such as --bail), every e2e suite.
  const args = given.some((arg) => !arg.startsWith('-')) ? given : [...given, 'test/e2e/**/*.test.ts']
  await mochaGlobalSetup()
  try {
    const started = Date.now()
    const codes = await Promise.all(LANES.map((lane) => runLane(lane, args)))
    const seconds = ((Date.now() - started) / 1000).toFixed(0)
    LANES.forEach((lane, i) => console.log(`  ${lane.name}: ${codes[i] === 0 ? 'passed' : `failed (${codes[i]})`}`))
    console.log(`  both lanes: ${seconds} s`)
    if (interrupted) return 130
    return codes.some((code) => code !== 0) ? 1 : 0
  } finally {
    await mochaGlobalTeardown()
  }
}

process.exitCode = await main()
