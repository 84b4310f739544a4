import {expect} from 'chai'

import {lastPhase, PHASES, phaseSpans, RESTORE_PHASES, ROTATION_PHASES} from './phases.js'

/** A run's plain output as the command prints it (titles and output lines; values shortened). */
const RUN = [
  '❯ Open the instance and connect to its database',
  '› OctopusServer → /x/OctopusServer.config; database d on host h',
  '✔ Open the instance and connect to its database',
  '❯ Take the recovery lock',
  '› holding "Octopus.LostMasterKey": no other recovery can run against this database',
  '❯ Generate a new master key and server certificate',
  '› new certificate ABC',
  '❯ Seal the new master key into the config file',
  '› new key sealed into /x/OctopusServer.config with machinekey (/x/machinekey) (previous config kept at /x/c.before)',
  '✔ Seal the new master key into the config file',
  '❯ Reset the sensitive values in one transaction',
  '› Configuration: 14 of 1,169 documents (1%)',
  '› every change is written; committing the transaction',
  '› 1,169 documents scanned, 2,012 values reset; committed',
  '✔ Reset the sensitive values in one transaction',
  '❯ Verify: the key in the config opens the new certificate',
  '› the key in the config opens the new certificate ABC',
  '✔ Verify: the key in the config opens the new certificate',
  'The master key was replaced and the sensitive values reset.',
]
const phaseAfter = (lines: number) => PHASES[lastPhase(RUN.slice(0, lines))].name

describe('crash trials: the phases read off the output', () => {
  it('names the phase a run died in from the last line it printed', () => {
    expect(phaseAfter(0)).to.equal('start-up')
    expect(phaseAfter(2)).to.equal('before the lock')
    expect(phaseAfter(8)).to.equal('config being written')
    expect(phaseAfter(11)).to.equal('config written, before the first write')
    expect(phaseAfter(12)).to.equal('inside the transaction')
    expect(phaseAfter(13)).to.equal('at COMMIT')
    expect(phaseAfter(16)).to.equal('committed, verifying')
    expect(phaseAfter(RUN.length)).to.equal('report')
  })

  it('skips a phase a run did not print (no progress line before the commit)', () => {
    expect(PHASES[lastPhase([...RUN.slice(0, 11), RUN[12]])].name).to.equal('at COMMIT')
  })

  it('times each phase from its opening line to the next phase', () => {
    const spans = phaseSpans(
      RUN.map((text, i) => ({text, atMs: i * 10})),
      500,
    )
    expect(spans[PHASES.findIndex((p) => p.name === 'at COMMIT')]).to.deep.equal({startMs: 120, durationMs: 10})
    expect(spans.at(-1)).to.deep.equal({startMs: 170, durationMs: 330})
    expect(spans.every(Boolean)).to.equal(true)
  })
})

/** The rotation's and the restore's plain output, as they print it (values shortened). */
const ROTATION_RUN = [
  '❯ Open the instance and connect to its database',
  '❯ Take the recovery lock',
  '❯ Test the current master key',
  '❯ Choose the new master key',
  '❯ Re-encrypt every value under the new key in one transaction',
  '› Configuration: 14 of 1,248 documents (1%)',
  '› new key sealed into /x/OctopusServer.config with machinekey (/x/machinekey) (previous config kept at /x/c)',
  '› every change is written; committing the transaction',
  '› 1,248 documents scanned, 2,366 values re-encrypted, 124 cannot be opened; committed',
  '❯ Verify: the key in the config opens the rotated database',
  '❯ Re-encrypt the attachments on disk',
  '✔ Re-encrypt the attachments on disk',
]
const RESTORE_RUN = [
  '❯ Open the instance and connect to its database',
  '❯ Take the recovery lock',
  '❯ Restore the quarantined values',
  '› Account: 45 of 1,995 values restored or kept (2%)',
  '› run 3676074b-c311-4060-9bfb-d9c1757c6778: 1,995 values quarantined',
  '✔ Restore the quarantined values',
]

describe('crash trials: the rotation and the restore have phases of their own', () => {
  it('reads each line of the rotation as the phase it opens, in order', () => {
    const seen = ROTATION_RUN.map((_, i) => ROTATION_PHASES[lastPhase(ROTATION_RUN.slice(0, i + 1), ROTATION_PHASES)])
    expect([...new Set(seen.map((p) => p.name))]).to.deep.equal(ROTATION_PHASES.slice(1).map((p) => p.name))
  })

  it('reads each line of the restore as the phase it opens; a progress line opens none', () => {
    const seen = RESTORE_RUN.map((_, i) => RESTORE_PHASES[lastPhase(RESTORE_RUN.slice(0, i + 1), RESTORE_PHASES)])
    expect(seen.map((p) => p.name)).to.deep.equal([
      'before the lock',
      'lock to the transaction',
      'inside the transaction',
      'inside the transaction',
      'committed',
      'report',
    ])
  })
})
