import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {scanForSecrets, type ScannedText, type Secret} from '../../support/secret-scan.js'
import type {ChildRun} from './command-child.js'

/** The runs of one trial and the key each put in force (if it committed), for the secrets check. */
export interface TrialRuns {
  readonly name: string
  readonly killed: ChildRun
  readonly rerun: ChildRun
  /** The key the killed run committed, or undefined when it died before its commit. */
  readonly committedByKilled?: Buffer
  /** Keys a run wrote into the config without committing them: never shown, so never printed. */
  readonly uncommitted: readonly Buffer[]
  /** The key in force at the end. */
  readonly finalKey?: Buffer
  readonly reportFile: string
  readonly machineKeyPath: string
}

/** Everything a trial's runs printed or wrote for the operator: both runs' stdout and stderr, the re-entry lists. */
async function trialTexts(runs: TrialRuns): Promise<ScannedText[]> {
  const texts: ScannedText[] = [
    {name: `${runs.name} killed stdout`, text: runs.killed.stdout},
    {name: `${runs.name} killed stderr`, text: runs.killed.stderr},
    {name: `${runs.name} re-run stdout`, text: runs.rerun.stdout},
    {name: `${runs.name} re-run stderr`, text: runs.rerun.stderr},
  ]
  const folder = path.dirname(runs.reportFile)
  // The finished list and any partial one a killed run left behind.
  for (const file of await readdir(folder)) {
    if (file.startsWith(path.basename(runs.reportFile)))
      texts.push({name: `${runs.name} ${file}`, text: await readFile(path.join(folder, file), 'utf8')})
  }
  return texts
}

/**
 * No output holds a known secret, except the new key where it is shown on purpose: once on the stdout of the
 * run that committed it, and once on the re-run's (README "If the run was killed"). Returns the findings as
 * lines, never the secret values.
 */
export async function trialSecretProblems(runs: TrialRuns, seededSecrets: readonly Secret[]): Promise<string[]> {
  const texts = await trialTexts(runs)
  const machineKey = await readFile(runs.machineKeyPath, 'utf8').catch(() => '')
  const secrets: Secret[] = [
    ...seededSecrets,
    ...runs.uncommitted.map((key, i) => ({name: `uncommitted new key #${i + 1}`, value: key.toString('base64')})),
  ]
  // The key part of `base64(key).base64(iv)` is the secret.
  if (machineKey.trim()) secrets.push({name: 'machine key', value: machineKey.trim().split('.')[0]})
  if (runs.finalKey) secrets.push({name: 'new master key', value: runs.finalKey.toString('base64')})
  // The re-run always shows the key in force (a fresh one, or the committed one the killed run may not have shown).
  const shownBy = [`${runs.name} re-run stdout`, ...(runs.committedByKilled ? [`${runs.name} killed stdout`] : [])]
  const problems: string[] = []
  const findings = scanForSecrets(texts, secrets)
  for (const finding of findings) {
    const deliberate =
      finding.secret === 'new master key' && shownBy.includes(finding.text) && finding.occurrences === 1
    if (!deliberate) problems.push(`${finding.text} holds the ${finding.secret} (${finding.occurrences}×)`)
  }
  if (runs.finalKey && !findings.some((f) => f.secret === 'new master key' && f.text === shownBy[0]))
    problems.push(`${shownBy[0]} does not show the master key`)
  return problems
}
