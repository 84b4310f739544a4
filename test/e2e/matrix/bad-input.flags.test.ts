import {expect} from 'chai'
import {randomBytes} from 'node:crypto'

import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import {runLostMasterKey} from '../../support/run-command.js'
import {diskState} from './support/disk-state.js'
import {BACKED_UP, CONFIRMED, expectRefusal, matrixServer, type MatrixServer, RESET} from './support/matrix-run.js'

/** Flags and environment the command must reject before it touches anything (exit 2 or 3). */
describe('bad-input matrix: flags and environment', () => {
  let target: MatrixServer

  before(async () => {
    target = await matrixServer({seed: 21})
  })

  after(() => target.server.dispose())

  it('an unknown flag (exit 2), naming it', async () => {
    await expectRefusal(target, [...CONFIRMED, '--frobnicate'], {exit: 2, says: ['--frobnicate']})
  })

  it('--instance given twice (exit 2)', async () => {
    await expectRefusal(target, [...CONFIRMED, '--instance', 'a', '--instance', 'b'], {exit: 2, says: ['--instance']})
  })

  it('--instance with --config, even in a dry run (exit 2), naming both', async () => {
    await expectRefusal(
      target,
      ['--dry-run', '--instance', 'OctopusServer', '--config', target.server.seeded.configPath],
      {
        exit: 2,
        says: ['--instance', '--config'],
      },
    )
  })

  it('--skipLicenseCheck without --upgradeDatabase (exit 2), naming --upgradeDatabase', async () => {
    await expectRefusal(target, [...CONFIRMED, '--skipLicenseCheck'], {exit: 2, says: ['--upgradeDatabase']})
  })

  it('--maxBackupAge below its minimum (exit 2)', async () => {
    await expectRefusal(target, [RESET, BACKED_UP, '--maxBackupAge', '0'], {exit: 2, says: ['maxBackupAge']})
  })

  it('--maxBackupAge that is not a number (exit 2)', async () => {
    await expectRefusal(target, [RESET, BACKED_UP, '--maxBackupAge', 'yesterday'], {exit: 2, says: ['yesterday']})
  })

  it('--config without a value (exit 2)', async () => {
    await expectRefusal(target, [...CONFIRMED, '--config'], {exit: 2, says: ['--config']})
  })

  it('an unexpected argument (exit 2), naming it', async () => {
    await expectRefusal(target, [...CONFIRMED, 'OctopusServer'], {exit: 2, says: ['OctopusServer']})
  })

  it('a value given to a confirmation switch (exit 2), naming the value', async () => {
    await expectRefusal(target, [`${RESET}=yes`, BACKED_UP, '--skipBackupCheck'], {
      exit: 2,
      says: ['Unexpected argument: yes'],
    })
  })

  it('only the kebab-case reset confirmation (exit 3), naming the backup confirmation', async () => {
    await expectRefusal(target, ['--i-really-want-to-reset-all-my-sensitive-data', '--skipBackupCheck'], {
      exit: 3,
      says: [BACKED_UP, '--dry-run'],
    })
  })

  it('MASTER_KEY that is not base64 (exit 2), without echoing it', async () => {
    const garbage = 'not-a-key!!-' + randomBytes(8).toString('hex')
    const run = await expectRefusal(
      target,
      CONFIRMED,
      {exit: 2, says: ['MASTER_KEY', 'not base64']},
      {MASTER_KEY: garbage},
    )
    expect(run.message + run.stdout + run.stderr).to.not.include(garbage)
  })

  it('MASTER_KEY of the wrong length (exit 2), saying the lengths it takes', async () => {
    const wrongLength = randomBytes(20).toString('base64')
    const run = await expectRefusal(
      target,
      CONFIRMED,
      {exit: 2, says: ['20 bytes', '16 or 32']},
      {MASTER_KEY: wrongLength},
    )
    expect(run.message + run.stdout + run.stderr).to.not.include(wrongLength)
  })

  it('--dryRun and --dry-run: the same dry run, changing nothing', async () => {
    const reports: RecoveryReport[] = []
    for (const spelling of ['--dryRun', '--dry-run']) {
      const before = await diskState(target.watched)
      const run = await runLostMasterKey([spelling, '--json'], target.env)
      expect(run.exitCode, `${spelling}: ${run.message}`).to.equal(0)
      expect(await diskState(target.watched), `${spelling}: nothing changed`).to.deep.equal(before)
      reports.push(JSON.parse(run.stdout) as RecoveryReport)
    }
    expect(reports.map((report) => report.outcome)).to.deep.equal(['dry-run', 'dry-run'])
    expect(reports[1].tables).to.deep.equal(reports[0].tables)
  })

  it("--json: the prerun hook's refusal and the command's have the same four fields, on stdout only", async () => {
    const hook = await runLostMasterKey(['--skipBackupCheck', '--json'], target.env)
    const command = await runLostMasterKey([...CONFIRMED, '--frobnicate', '--json'], target.env)
    for (const [run, exit] of [
      [hook, 3],
      [command, 2],
    ] as const) {
      const {error} = JSON.parse(run.stdout) as {error: Record<string, unknown>}
      expect(Object.keys(error)).to.deep.equal(['code', 'exit', 'message', 'suggestions'])
      expect(error).to.deep.include({code: `EXIT_${exit}`, exit})
      expect(run.exitCode).to.equal(exit)
      expect(run.stderr, 'nothing on stderr').to.equal('')
    }
  })
})
