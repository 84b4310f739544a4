/**
 * `npm run demo`: the whole recovery on a fresh machine. Starts an embedded PostgreSQL, seeds a server
 * instance and its database, loses the machine key (as when the server's machine died and only the config
 * and the database survive), backs the database up with pg_dump, and runs the command through bin/run.js
 * exactly as an operator would.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {PLUGIN_ROOT} from './lib/host-cli.js'
import {startEmbeddedPostgres} from './lib/embedded-postgres.js'
import {seedInstance} from './seeder/seed-instance.js'

const documents = Number(process.env.DEMO_DOCUMENTS ?? 5000)

function hasPgDump(): boolean {
  return spawnSync('pg_dump', ['--version']).status === 0
}

const say = (text: string) => console.log(`\n=== ${text}`)

let exitCode = 1
const root = await mkdtemp(path.join(tmpdir(), 'lost-master-key-demo-'))
say('Starting an embedded PostgreSQL')
const server = await startEmbeddedPostgres()
try {
  const url = await server.createDatabase('octopus')
  say(`Seeding instance "OctopusServer" with ${documents} documents`)
  const seeded = await seedInstance({root, databaseUrl: url, documents, corruptShare: 0.01, nonCiphertextShare: 0.01, malformedShare: 0.002, seed: 42})
  console.log(`config: ${seeded.configPath}\nserver certificate: ${seeded.thumbprint}`)

  say('Losing the master key: the machine key that sealed it is gone')
  await rm(seeded.machineKeyPath)

  const args = ['server:lost-master-key', '--instance=OctopusServer', '--iReallyWantToResetAllMySensitiveData', '--iHaveBackedUpMyDatabase']
  if (hasPgDump()) {
    const archive = path.join(root, 'octopus.dump')
    say(`Backing the database up: pg_dump -Fc -f ${archive}`)
    execFileSync('pg_dump', ['-Fc', '-f', archive, url])
    args.push(`--backupFile=${archive}`)
  } else {
    say('pg_dump is not installed (apt-get install postgresql-client): skipping the backup evidence check')
    args.push('--skipBackupCheck')
  }
  const reportFile = path.join(root, 're-enter.csv')
  args.push(`--reportFile=${reportFile}`)

  say(`Running: bin/run.js ${args.join(' ')}`)
  const result = spawnSync(process.execPath, [path.join(PLUGIN_ROOT, 'bin', 'run.js'), ...args], {
    stdio: 'inherit',
    env: {...process.env, ...seeded.env},
  })
  say(`Exit code ${result.status}`)
  if (result.status === 0) {
    const lines = (await readFile(reportFile, 'utf8')).trim().split('\n')
    console.log(`The re-entry list ${reportFile} has ${lines.length - 1} rows; the first ones:\n${lines.slice(0, 6).join('\n')}`)
  }
  exitCode = result.status ?? 1
} finally {
  await server.stop()
  await rm(root, {recursive: true, force: true})
}
// Not process.exitCode: embedded-postgres hooks `beforeExit` and exits 0 from it, which would hide a failure.
process.exit(exitCode)
