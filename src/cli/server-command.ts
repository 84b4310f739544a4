import {Command} from '@oclif/core'

import {errorJson, toCliError} from './error-output.js'

/**
 * What every `server:*` command shares: `--json`, and failures shown one way (src/cli/error-output.ts), with the
 * exit code of src/exit-codes.ts whether or not the output is JSON. A command file imports its engine (the
 * database, crypto and task-list modules) inside run(): oclif imports the file before the prerun hook and before
 * parsing the flags, and a refusal or a usage error needs none of it.
 */
export abstract class ServerCommand extends Command {
  static override enableJsonFlag = true

  protected override async catch(error: Error): Promise<unknown> {
    const cliError = toCliError(error)
    // In oclif 4 a --json error exits 1 whatever its code, unless the exit code is set here.
    process.exitCode = cliError.oclif.exit
    return super.catch(cliError)
  }

  protected override toErrorJson(error: unknown): unknown {
    return errorJson(toCliError(error))
  }
}
