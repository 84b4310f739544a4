import {Errors, Parser} from '@oclif/core'
import {expect} from 'chai'

import {errorJson, toCliError} from '../../../src/cli/error-output.js'
import {lostMasterKeyFlags} from '../../../src/cli/lost-master-key-flags.js'
import {ExitCode} from '../../../src/exit-codes.js'
import {RecoveryError} from '../../../src/recovery-error.js'

describe('one error format for the hook and the command', () => {
  it('keeps our exit code and suggestions', () => {
    const error = toCliError(new RecoveryError('Server busy.', ExitCode.ServerBusy, ['Wait.']))
    expect(error.oclif.exit).to.equal(5)
    expect(errorJson(error)).to.deep.equal({
      error: {code: 'EXIT_5', exit: 5, message: 'Server busy.', suggestions: ['Wait.']},
    })
  })

  it("gives oclif's parse errors exit 2 and only the four fields under --json", async () => {
    let parseError: unknown
    try {
      await Parser.parse(['--frobnicate'], {flags: lostMasterKeyFlags, strict: true})
    } catch (error) {
      parseError = error
    }
    const json = errorJson(toCliError(parseError))
    expect(json.error.exit).to.equal(ExitCode.Usage)
    expect(json.error.code).to.equal('EXIT_2')
    expect(json.error.message).to.include('--frobnicate')
    expect(Object.keys(json.error)).to.deep.equal(['code', 'exit', 'message', 'suggestions'])
  })

  it('turns anything else into an internal error (exit 1)', () => {
    for (const thrown of [new Error('boom'), 'boom']) {
      const error = toCliError(thrown)
      expect(error).to.be.instanceOf(Errors.CLIError)
      expect(errorJson(error).error).to.deep.equal({code: 'EXIT_1', exit: 1, message: 'boom', suggestions: []})
    }
  })
})
