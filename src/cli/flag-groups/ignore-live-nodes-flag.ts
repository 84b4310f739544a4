import {Flags} from '@oclif/core'

/** `--ignoreLiveNodes`: the override of the live-node guard (src/recovery/flow/check-no-node-is-running.ts). */
export const ignoreLiveNodesFlag = {
  ignoreLiveNodes: Flags.boolean({
    description:
      'Proceeds even though a server node reported in the last 5 minutes. Risk: a running server corrupts data ' +
      'while the database changes.',
  }),
}
