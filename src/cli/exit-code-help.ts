import {exitCodesOf} from '../exit-codes.js'

/** The paragraph of a command's help that lists its exit codes, in the words of src/exit-codes.ts. */
export function exitCodeHelp(commandId: string): string {
  return `Exit codes: ${exitCodesOf(commandId)
    .map(({code, meaning}) => `${code} ${meaning}`)
    .join(' · ')}.`
}
