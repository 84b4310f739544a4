import {expect} from 'chai'
import {spawn} from 'node:child_process'

import {killAsPhaseOpens, MARK_FD} from './kill-in-child.js'
import {lastPhase, PHASES} from './phases.js'

/** The reset's phase lines (phases.test.ts has the whole run), each opening the phase after the one before. */
const OPENING_LINES = [
  '❯ Open the instance and connect to its database',
  '❯ Take the recovery lock',
  '❯ Generate a new master key and server certificate',
  '❯ Seal the new master key into the config file',
  '› new key sealed into /x/OctopusServer.config with machinekey (/x/machinekey) (previous config kept at /x/c.before)',
  '› Configuration: 14 of 1,169 documents (1%)',
  '› every change is written; committing the transaction',
  '› 1,169 documents scanned, 2,012 values reset; committed',
  '✔ Verify: the key in the config opens the new certificate',
  'The master key was replaced and the sensitive values reset.',
]

/**
 * A child that prints every line in one synchronous stretch, in writes that split lines and join them: no phase
 * lasts long enough for a kill sent by a reader of its output.
 */
const BURST = `
const text = ${JSON.stringify(OPENING_LINES.join('\n') + '\n')}
for (let at = 0; at < text.length; at += 37) process.stdout.write(text.slice(at, at + 37))
`

async function runBurst(phase: number): Promise<{stdout: string; signal: NodeJS.Signals | null; marked: boolean}> {
  const selfKill = killAsPhaseOpens('server:lost-master-key', phase)
  const child = spawn(process.execPath, ['--import', 'tsx', ...selfKill.args, '--input-type=module', '-e', BURST], {
    env: {...process.env, ...selfKill.env},
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let marked = false
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stdio[MARK_FD]!.on('data', () => (marked = true))
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_, sig) => resolve(sig)))
  return {stdout, signal, marked}
}

/** The phase of issue 26's miss, the one opened by a line that depends on the phase before, and the last. */
const AIMED = ['new key generated', 'inside the transaction', 'report']

describe('crash trials: the kill as a phase opens, sent by the child itself', () => {
  for (const [index, phase] of PHASES.entries()) {
    if (!AIMED.includes(phase.name)) continue
    it(`dies right after the line that opens "${phase.name}", however soon the next one follows`, async () => {
      const run = await runBurst(index)
      expect(run.signal).to.equal('SIGKILL')
      expect(run.marked, 'the child says it killed itself').to.equal(true)
      const lines = run.stdout.split('\n')
      expect(lines.pop(), 'nothing after the opening line').to.equal('')
      expect(PHASES[lastPhase(lines)].name).to.equal(phase.name)
      expect(lines.at(-1)).to.equal(OPENING_LINES[index - 1])
    })
  }
})
