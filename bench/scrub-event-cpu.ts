import {PersonalReplacements} from '../src/recovery/pii/personal-replacements.js'
import {Pseudonymizer} from '../src/recovery/pii/pseudonymizer.js'
import {scrubEvent, type EventRow} from '../src/recovery/pii/scrub-event.js'
import {scrubUser, userIdentity, type UserRow} from '../src/recovery/pii/scrub-user.js'
import {Prng} from '../scripts/seeder/prng.js'
import {toJsonText} from '../scripts/seeder/raw-json.js'
import {eventGenerator} from '../scripts/seeder/tables/event.js'
import type {TableGenerator} from '../scripts/seeder/tables/table-generator.js'
import {userGenerator} from '../scripts/seeder/tables/user.js'

const USAGE = `Usage: tsx bench/scrub-event-cpu.ts [--users U] [--events E] [--rounds R]

The scrub's own computation, in process: the seeder's users and audit events (as \`npm run bench:pii\` seeds them)
are made once, then every round scrubs the users and the events as the tool does, with no database. Prints the CPU
time (user + system) per event of each round and the best, so a change to scrubEvent can be judged without the
database's share or a busy machine's wall time.`

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  if (at < 0) return fallback
  const value = Number(process.argv[at + 1])
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} needs a positive integer.\n\n${USAGE}`)
    process.exit(2)
  }
  return value
}

if (process.argv.includes('--help')) {
  console.log(USAGE)
  process.exit(0)
}
const users = option('users', 800)
const events = option('events', 200_000)
const rounds = option('rounds', 5)

const seed = 1
/** A string as node-postgres hands it over: decoded from a buffer, flat (a generator's may be a concatenation). */
const asRead = (text: string) => Buffer.from(text).toString()
const context = {seed, userCount: users}
const rng = new Prng(seed, 'bench:scrub-event-cpu')

/** Row `index` of a table as the scrub reads it: Id, JSON and the named columns. */
function readRow<Row>(generator: TableGenerator, index: number, names: readonly string[]): Row {
  const {columns, document} = generator.build(index, rng, context)
  const row: Record<string, string> = {Id: asRead(document.Id), JSON: asRead(toJsonText(document))}
  for (const name of names) row[name] = asRead(columns[name] as string)
  return row as Row
}

const userColumns = ['Username', 'DisplayName', 'EmailAddress']
const userRows = Array.from({length: users}, (_, index) => readRow<UserRow>(userGenerator, index, userColumns))
const eventColumns = ['UserId', 'Username', 'IpAddress', 'Message']
const eventRows = Array.from({length: events}, (_, index) => readRow<EventRow>(eventGenerator, index, eventColumns))

const perEvent: number[] = []
let checksum = 0
for (let round = 0; round < rounds; round++) {
  const pseudonymizer = new Pseudonymizer()
  const everyone = new PersonalReplacements()
  const userPseudonyms = new Map<string, string>()
  for (const row of userRows) {
    userPseudonyms.set(row.Id, pseudonymizer.pseudonymFor(userIdentity(row.Id)))
    scrubUser(row, pseudonymizer, everyone)
  }
  const before = process.cpuUsage()
  for (const row of eventRows) checksum += scrubEvent(row, userPseudonyms, pseudonymizer, everyone).row.JSON!.length
  const used = process.cpuUsage(before)
  perEvent.push((used.user + used.system) / events)
  console.log(`round ${round + 1}: ${perEvent.at(-1)!.toFixed(2)} µs CPU per event`)
}
console.log(JSON.stringify({users, events, rounds, bestUsPerEvent: Number(Math.min(...perEvent).toFixed(2)), checksum}))
