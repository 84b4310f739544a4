import {liveNodes} from '../../database/operations/server-nodes.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import type {DbContext} from '../../database/context.js'
import {need} from '../run/need.js'
import type {Step} from './step.js'

/**
 * A running server node would keep writing while we change the database (with the old key during a reset; over a
 * restore's values after it): refuse (docs/server-formats.md, "Server nodes").
 */
export async function checkServerIdle(ctx: DbContext, ignoreLiveNodes: boolean): Promise<string> {
  const live = await liveNodes(ctx)
  if (live.length === 0) return 'no server node is running'
  const names = live.map((node) => `${node.name} (last seen ${node.lastSeen.toISOString()})`).join(', ')
  if (ignoreLiveNodes) return `ignoring live nodes as asked: ${names}`
  throw new RecoveryError(
    `A server node is running against this database: ${names}. ` +
      'Changing the database under a live server corrupts data.',
    ExitCode.ServerBusy,
    [
      'Stop the Octopus Server service on every node (or put them in maintenance mode), wait five minutes, and run ' +
        'the command again.',
      'If those nodes are certainly stopped and only their heartbeat is recent, pass --ignoreLiveNodes.',
    ],
  )
}

export interface IdleState {
  readonly locked?: DbContext
  readonly options: {readonly ignoreLiveNodes: boolean}
}

export const checkNoNodeIsRunning: Step<IdleState> = {
  title: 'Check that no server node is running',
  run: (state) => checkServerIdle(need(state.locked, 'the locked connection'), state.options.ignoreLiveNodes),
}
