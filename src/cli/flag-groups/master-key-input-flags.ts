import {Flags} from '@oclif/core'

import type {GivenKeySource} from '../../recovery/key-input/given-master-key.js'

const KEY_FLAGS = ['masterKey', 'masterKeyFrom']

/**
 * A master key the operator gives: Octopus's `--masterKey=VALUE`, or ours, `--masterKeyFrom FILE|-`, which keeps the
 * key out of the shell's history and the process list. `required`: exactly one of the two; else at most one.
 */
export function masterKeyInputFlags(what: string, required: boolean) {
  const relation = (other: string) => (required ? {exactlyOne: KEY_FLAGS} : {exclusive: [other]})
  return {
    masterKey: Flags.string({
      description: `${what} (base64). Other users of the machine see it in the process list: prefer --masterKeyFrom.`,
      ...relation('masterKeyFrom'),
    }),
    masterKeyFrom: Flags.string({
      description: `A file holding ${what.toLowerCase()} (base64), or "-" for standard input.`,
      ...relation('masterKey'),
    }),
  }
}

/** The flags' values as the run reads them: which of the two was given. */
export function givenKeySource(flags: {masterKey?: string; masterKeyFrom?: string}): GivenKeySource | undefined {
  if (flags.masterKey !== undefined) return {kind: 'value', text: flags.masterKey}
  if (flags.masterKeyFrom === '-') return {kind: 'stdin'}
  if (flags.masterKeyFrom !== undefined) return {kind: 'file', path: flags.masterKeyFrom}
  return undefined
}
