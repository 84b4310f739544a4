import {Flags} from '@oclif/core'

/** `--dryRun`, worded by each command: what it checks and shows instead of changing. */
export function dryRunFlag(description: string) {
  return {dryRun: Flags.boolean({description})}
}
