import {seededUser, type SeededUser} from '../people.js'
import {trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'

const FIRST_EVENT = Date.UTC(2024, 0, 1)

function message(kind: number, actor: SeededUser, other: SeededUser, n: number): string {
  if (kind === 0) return `${actor.displayName} (${actor.emailAddress}) logged in as ${actor.username}`
  if (kind === 1) return `${actor.displayName} added ${other.displayName} <${other.emailAddress}> to team "Ops 🚀"`
  return `Deployment ${n} of Project ${1 + (n % 50)} to Production queued by ${actor.username}`
}

/**
 * The audit log: each event names its actor in the columns, and its message and JSON mention the actor's
 * (and sometimes another user's) username, display name and e-mail address.
 */
export const eventGenerator: TableGenerator = {
  table: 'Event',
  weight: 0.45,
  build(index, rng, context) {
    const n = index + 1
    const actor = seededUser(context.seed, (index * 7919) % context.userCount)
    const other = seededUser(context.seed, (index * 104_729 + 1) % context.userCount)
    const kind = index % 3
    const text = message(kind, actor, other, n)
    const occurred = new Date(FIRST_EVENT + index * 60_000)
    const category = ['LoginSucceeded', 'Modified', 'DeploymentQueued'][kind]
    const ipAddress = rng.chance(0.8)
      ? `10.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`
      : `fd00::${rng.uint32().toString(16)}`
    return {
      columns: {
        Occurred: occurred,
        Category: category,
        UserId: actor.id,
        Username: actor.username,
        IpAddress: ipAddress,
        Message: text,
      },
      document: {
        Id: `Events-${n}`,
        Occurred: occurred.toISOString(),
        Category: category,
        UserId: actor.id,
        Username: actor.username,
        IdentityEstablishedWith: 'Session cookie',
        Message: text,
        Details: kind === 1 ? `Added ${other.username} (${other.emailAddress})` : null,
        RelatedDocumentIds: kind === 1 ? [actor.id, other.id] : [actor.id],
        ChangeDetails: {DocumentContext: {Actor: actor.displayName}},
        Metadata: trickyMetadata(index),
      },
    }
  },
}
