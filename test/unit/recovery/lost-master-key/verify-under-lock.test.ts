import {expect} from 'chai'

import {ExitCode} from '../../../../src/exit-codes.js'
import {RecoveryError} from '../../../../src/recovery-error.js'
import type {RecoveryRun} from '../../../../src/recovery/lost-master-key/recovery-run.js'
import {verifyRecovery} from '../../../../src/recovery/lost-master-key/verify-the-result.js'

describe('the verification after a commit whose connection was lost', () => {
  it('does not run without the recovery lock: says the changes were committed but not verified, and why', async () => {
    const why = 'the session lost during the commit still holds the recovery lock'
    // Nothing else is set: the refusal comes before the config or the database is read.
    const run = {unlockedAfterCommit: why} as unknown as RecoveryRun
    const refusal = await verifyRecovery(run).catch((error: unknown) => error)
    expect(refusal).to.be.instanceOf(RecoveryError)
    expect((refusal as RecoveryError).exitCode).to.equal(ExitCode.Internal)
    expect((refusal as RecoveryError).message)
      .to.include('could not be verified')
      .and.include(why)
    expect((refusal as RecoveryError).suggestions.join(' ')).to.include('server:check-master-key')
    expect(run).to.not.have.property('verified')
  })
})
