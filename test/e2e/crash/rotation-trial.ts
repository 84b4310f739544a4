/**
 * The rotation's crash trials (docs/recovery.md, "Rotating a key that works"): a server whose key works, with values
 * the key cannot open (so `--resetUnreadable` resets some) and encrypted attachments, `server:rotate-master-key`
 * SIGKILLed at a planned instant in one of its phases (ROTATION_PHASES), then the invariant checked by opening the
 * database
 * with each kept key — the config's, each kept config copy's, the key file's: one of them opens the server certificate
 * and every value the seed's key opened, and every attachment is readable under a kept key, in place or in a backup
 * folder. Then the same command runs again and must end with the config's key opening all of it.
 */
import {mkdir, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {randomBytes} from 'node:crypto'
import path from 'node:path'

import {seedInstance, type SeededInstance} from '../../../scripts/seeder/seed-instance.js'
import {readBackSensitive} from '../../../scripts/seeder/verify-seed.js'
import {decryptAttachment, encryptAttachment} from '../../../src/crypto/attachment-cipher.js'
import {testCurrentKey} from '../../../src/crypto/current-key-test.js'
import {masterKeyFromBase64} from '../../../src/crypto/master-key.js'
import {SENSITIVE_CATALOG, SERVER_CERTIFICATE_DOCUMENT} from '../../../src/recovery/catalog/catalog.js'
import {query} from '../../support/lost-server.js'
import {type KillAt, phaseKilledIn, runCommandChild} from './command-child.js'
import {unsealConfigKey} from './config-master-key.js'
import {describeHit, outcome, type TrialResult} from './crash-trial.js'
import {type PhaseSpan, phaseSpans, ROTATION_PHASES} from './phases.js'
import {TRIAL_SHARES} from './trial-template.js'

export const ROTATION_FLAG_SET = 'rotate-master-key --resetUnreadable --artifactsDirectory'
const COMMAND = 'server:rotate-master-key'

/** A database for one trial, on the trial's engine. */
export type MakeDatabase = (name: string) => Promise<{readonly url: string; drop(): Promise<void>}>

interface RotationServer {
  readonly seeded: SeededInstance
  readonly url: string
  readonly artifacts: string
  readonly keyFile: string
  /** Each attachment's content, by its path relative to the encrypted-attachment folder. */
  readonly attachments: ReadonlyMap<string, Buffer>
  /** Values the seed's key opens in the catalog (the server certificate aside). */
  readonly readable: number
  dispose(): Promise<void>
}

const FOLDER = 'KubernetesResourceManifests'

async function seedRotationServer(
  root: string,
  name: string,
  make: MakeDatabase,
  options: {documents: number; seed: number},
): Promise<RotationServer> {
  const database = await make(`rot_${name.replaceAll('-', '_')}`)
  const trialRoot = path.join(root, name)
  const seeded = await seedInstance({
    root: trialRoot,
    databaseUrl: database.url,
    documents: options.documents,
    seed: options.seed,
    // The trials' checks unseal the config with the machinekey file alone (config-master-key.ts).
    sealWith: 'machinekey',
    ...TRIAL_SHARES,
  })
  const artifacts = path.join(trialRoot, 'Artifacts')
  const attachments = new Map<string, Buffer>()
  await mkdir(path.join(artifacts, FOLDER, 'nested'), {recursive: true})
  for (const file of ['one.yaml', 'two.yaml', path.join('nested', 'three.yaml')]) {
    const content = randomBytes(64 + attachments.size * 50)
    attachments.set(file, content)
    await writeFile(path.join(artifacts, FOLDER, file), encryptAttachment(content, seeded.masterKey))
  }
  const readable = SENSITIVE_CATALOG.reduce((sum, {table}) => sum + seeded.sensitive[table].readable, 0)
  return {
    seeded,
    url: database.url,
    artifacts,
    keyFile: path.join(trialRoot, 'rotated.key'),
    attachments,
    readable,
    async dispose() {
      await database.drop()
      await rm(trialRoot, {recursive: true, force: true})
    },
  }
}

function rotationArgs(server: RotationServer): string[] {
  return [
    '--iReallyWantToRotateMyMasterKey',
    '--iHaveBackedUpMyDatabase',
    '--skipBackupCheck',
    '--resetUnreadable',
    `--masterKeyFile=${server.keyFile}`,
    `--artifactsDirectory=${server.artifacts}`,
  ]
}

/** Every key a kept file holds: the config's, each kept copy's, the key file's. */
async function keptKeys(server: RotationServer): Promise<Map<string, Buffer>> {
  const keys = new Map<string, Buffer>()
  const {configPath, machineKeyPath} = server.seeded
  const folder = path.dirname(configPath)
  const copies = (await readdir(folder)).filter((n) => n.startsWith(`${path.basename(configPath)}.before-`))
  for (const file of [configPath, ...copies.map((n) => path.join(folder, n))]) {
    const key = await unsealConfigKey(await readFile(file, 'utf8'), machineKeyPath)
    if (key.kind === 'unsealed') keys.set(path.basename(file), key.key)
  }
  const inFile = await readFile(server.keyFile, 'utf8').catch(() => undefined)
  if (inFile !== undefined) keys.set('the key file', masterKeyFromBase64(inFile))
  return keys
}

/** What is wrong with `key` as the key of the whole database; empty when it opens all of it. */
async function opensEverything(server: RotationServer, key: Buffer): Promise<string[]> {
  const [certificate] = await query<{JSON: string}>(
    server.url,
    `SELECT "JSON" FROM "${SERVER_CERTIFICATE_DOCUMENT.table}" WHERE "Id" = '${SERVER_CERTIFICATE_DOCUMENT.id}'`,
  )
  const problems: string[] = []
  if (testCurrentKey(key, certificate?.JSON).verdict !== 'works') problems.push('does not open the certificate')
  const back = await readBackSensitive(server.url, key)
  const opened = SENSITIVE_CATALOG.reduce((sum, {table}) => sum + (back.sensitive[table]?.readable ?? 0), 0)
  if (opened !== server.readable) problems.push(`opens ${opened} of the ${server.readable} values`)
  return problems
}

/** Each attachment, readable under one of `keys`, in place or in a backup folder of the rotation. */
async function attachmentProblems(server: RotationServer, keys: readonly Buffer[]): Promise<string[]> {
  const places = (await readdir(server.artifacts)).filter((n) => n.startsWith(FOLDER))
  const problems: string[] = []
  for (const [file, content] of server.attachments) {
    let found = false
    for (const place of places) {
      const bytes = await readFile(path.join(server.artifacts, place, file)).catch(() => undefined)
      if (bytes && keys.some((key) => decryptAttachment(bytes, key)?.equals(content))) found = true
    }
    if (!found) problems.push(`attachment ${file} is readable under no kept key`)
  }
  return problems
}

/** The invariant after a kill: some kept key opens the whole database. */
async function someKeptKeyOpensAll(server: RotationServer): Promise<{problems: string[]; holder?: string}> {
  const keys = await keptKeys(server)
  const tried: string[] = []
  for (const [holder, key] of keys) {
    const problems = await opensEverything(server, key)
    if (problems.length === 0) {
      return {problems: await attachmentProblems(server, [...keys.values()]), holder}
    }
    tried.push(`${holder} ${problems.join(', ')}`)
  }
  return {problems: [`no kept key opens the database (${tried.join('; ') || 'no key found'})`]}
}

/** An uninterrupted rotation on a fresh server: the config's key must then open all of it; its output times phases. */
export async function calibrateRotation(
  root: string,
  make: MakeDatabase,
  options: {documents: number; seed: number},
): Promise<Array<PhaseSpan | undefined>> {
  const server = await seedRotationServer(root, 'rotation-calibration', make, options)
  try {
    const run = await runCommandChild(rotationArgs(server), server.seeded.env, undefined, COMMAND)
    const check = await someKeptKeyOpensAll(server)
    if (run.exitCode !== 0 || check.problems.length > 0)
      throw new Error(`The uninterrupted rotation failed (exit ${run.exitCode}): ${run.stderr} ${check.problems}`)
    return phaseSpans(run.lines, run.durationMs, ROTATION_PHASES)
  } finally {
    await server.dispose()
  }
}

/** A rotation trial on a fresh server: killed as planned, the invariant checked, run again, the result checked. */
export async function runRotationTrial(
  name: string,
  root: string,
  make: MakeDatabase,
  options: {documents: number; seed: number},
  kill: KillAt,
): Promise<TrialResult> {
  const server = await seedRotationServer(root, name, make, options)
  try {
    const args = rotationArgs(server)
    const killed = await runCommandChild(args, server.seeded.env, kill, COMMAND)
    const phaseHit = phaseKilledIn(killed, ROTATION_PHASES)
    const afterKill = await someKeptKeyOpensAll(server)
    const problems = afterKill.problems.map((p) => `after the kill: ${p}`)
    const rerun = await runCommandChild(args, server.seeded.env, undefined, COMMAND)
    if (rerun.exitCode !== 0) problems.push(`re-run: ${outcome(rerun)} (${rerun.stderr.trim().slice(0, 300)})`)
    const config = await unsealConfigKey(await readFile(server.seeded.configPath, 'utf8'), server.seeded.machineKeyPath)
    if (config.kind === 'unavailable') problems.push(`after the re-run: the config's key ${config.reason}`)
    else {
      problems.push(
        ...(await opensEverything(server, config.key)).map((p) => `after the re-run: the config's key ${p}`),
      )
      problems.push(...(await attachmentProblems(server, [config.key])).map((p) => `after the re-run: ${p}`))
      const old = await readBackSensitive(server.url, server.seeded.masterKey)
      const left = SENSITIVE_CATALOG.reduce((sum, {table}) => sum + (old.sensitive[table]?.readable ?? 0), 0)
      if (left > 0) problems.push(`after the re-run: the old key still opens ${left} values`)
    }
    const temporary = (await readdir(server.seeded.root, {recursive: true})).filter((n) =>
      /\.[0-9a-f]{24}\.tmp$/.test(n),
    )
    problems.push(...temporary.map((file) => `after the re-run: temporary file ${file} is left`))
    if (!killed.signal && killed.exitCode !== 0)
      problems.push(`the run to be killed failed on its own (${outcome(killed)})`)
    const hit = describeHit(killed, ROTATION_PHASES, phaseHit, kill)
    const verdict = problems.length ? `INCONSISTENT: ${problems.join('; ')}` : 'consistent'
    const holder = afterKill.holder ? `; ${afterKill.holder} opened it all` : ''
    const line = `${name} [${ROTATION_FLAG_SET}]: ${hit}${holder}; re-run ${outcome(rerun)}; ${verdict}`
    return {line, problems, phaseHit}
  } finally {
    await server.dispose()
  }
}
