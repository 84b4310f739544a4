import {Flags} from '@oclif/core'

/**
 * Every command that rewrites encrypted values refuses a live node (docs/server-formats.md, "Server nodes"); this
 * overrides it.
 */
export const liveNodesFlag = {
  ignoreLiveNodes: Flags.boolean({
    description:
      'Proceeds even though a server node reported in the last 5 minutes. Risk: a running server corrupts data ' +
      'while the values change.',
  }),
}
