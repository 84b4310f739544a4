import net from 'node:net'

/**
 * Where the proxy cuts the connection that commits the recovery: before the server sees COMMIT (nothing is
 * committed), or after the server has answered it (committed, but the client never hears so).
 */
export type CutPoint = 'before-commit' | 'after-commit'

export interface CommitCuttingProxy {
  readonly port: number
  /** Resolves once the connection has been cut. */
  readonly cut: Promise<void>
  close(): Promise<void>
}

/** The recovery's last statement before COMMIT: its audit event, sent as an extended-protocol Parse message. */
const EVENT_INSERT = Buffer.from('insert into "Event"')
/** COMMIT as Kysely sends it through pg: a simple-protocol Query message ('Q', length 11, "commit\0"). */
const COMMIT = Buffer.from([0x51, 0, 0, 0, 11, ...Buffer.from('commit\0')])

/**
 * A TCP relay to PostgreSQL that cuts the connection of the run's transaction at its COMMIT — the first COMMIT
 * after this connection inserted the recovery event — and, with `refuseAfterCut`, takes no new connection after
 * that, as when the database's host goes away. Every other connection and message is relayed untouched.
 * Nothing in the tool knows it is there.
 */
export async function startCommitCuttingProxy(
  target: {host: string; port: number},
  options: {cutAt: CutPoint; refuseAfterCut: boolean},
): Promise<CommitCuttingProxy> {
  const sockets = new Set<net.Socket>()
  let hasCut = false
  let markCut!: () => void
  const cut = new Promise<void>((resolve) => (markCut = resolve))
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host)
    sockets.add(client).add(upstream)
    let wroteEvent = false
    let awaitingCommitReply = false
    const drop = () => {
      client.destroy()
      upstream.destroy()
      if (hasCut) return
      hasCut = true
      if (options.refuseAfterCut) server.close()
      markCut()
    }
    client.on('data', (chunk: Buffer) => {
      if (!hasCut && chunk.includes(EVENT_INSERT)) wroteEvent = true
      if (!hasCut && wroteEvent && chunk.includes(COMMIT)) {
        if (options.cutAt === 'before-commit') return drop()
        awaitingCommitReply = true
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      // The server has committed and answered; the client never gets the answer.
      if (awaitingCommitReply) return drop()
      client.write(chunk)
    })
    client.on('end', () => upstream.end())
    upstream.on('end', () => client.end())
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    cut,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
