import {liveNodes} from '../../database/operations/server-nodes.js'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import type {DbContext} from '../../database/context.js'
import {need} from './need.js'
import type {Step} from './step.js'

/**
 * A running server node would keep writing while we change the database (with the old key during a reset; over a
 * restore's values after it): refuse (docs/server-formats.md, "Server nodes"). A copy restored from a recent backup
 * shows production's nodes as live, and nothing in the database tells a copy from production (docs/recovery.md, "A
 * sanitized copy"): the operator checks, and says so with --ignoreLiveNodes.
 */
export async function checkServerIdle(
  ctx: DbContext,
  options: {readonly ignoreLiveNodes: boolean; readonly isolateCopy?: boolean},
): Promise<string> {
  const live = await liveNodes(ctx)
  if (live.length === 0) return 'no server node is running'
  const names = live.map((node) => `${node.name} (last seen ${node.lastSeen.toISOString()})`).join(', ')
  if (options.ignoreLiveNodes) return `ignoring live nodes as asked: ${names}`
  if (options.isolateCopy)
    throw new RecoveryError(
      `A server node reported to this database in the last 5 minutes: ${names}. A copy restored minutes after its ` +
        `backup was taken shows production's nodes as live, and this tool cannot tell a copy from production; ` +
        `resetting under a live server corrupts data.`,
      ExitCode.ServerBusy,
      [
        'Check that no Octopus Server runs on this database: no running node has its connection string in its ' +
          'config. Then pass --ignoreLiveNodes; --isolateCopy deletes those node records in the same transaction.',
        'If a server does run on it, stop it first (or wait five minutes after its nodes stop) and run the command ' +
          'again.',
      ],
    )
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
  readonly options: {readonly ignoreLiveNodes: boolean; readonly isolateCopy?: boolean}
}

export const checkNoNodeIsRunning: Step<IdleState> = {
  title: 'Check that no server node is running',
  run: (state) => checkServerIdle(need(state.locked, 'the locked connection'), state.options),
}
