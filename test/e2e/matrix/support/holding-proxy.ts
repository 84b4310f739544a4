import net from 'node:net'

/** A TCP relay to the database that holds one chosen connection until told to let it through. */
export interface HoldingProxy {
  readonly port: number
  /** Resolves when the held connection has arrived. */
  readonly holding: Promise<void>
  release(): void
  close(): Promise<void>
}

/**
 * Relays every connection on 127.0.0.1 to `target`, except the `holdNumber`-th, which is accepted but not
 * relayed (its bytes wait, unread) until `release()`: a client stalled at a known point, for as long as a
 * test needs, without touching its code.
 */
export async function startHoldingProxy(
  target: {host: string; port: number},
  holdNumber: number,
): Promise<HoldingProxy> {
  const sockets = new Set<net.Socket>()
  let count = 0
  let arrived!: () => void
  let release!: () => void
  const holding = new Promise<void>((resolve) => (arrived = resolve))
  const released = new Promise<void>((resolve) => (release = resolve))
  const relay = (client: net.Socket) => {
    const upstream = net.connect(target.port, target.host)
    sockets.add(upstream)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    client.pipe(upstream).pipe(client)
  }
  const server = net.createServer((client) => {
    sockets.add(client)
    if (++count === holdNumber) {
      arrived()
      void released.then(() => relay(client))
    } else relay(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    holding,
    release,
    async close() {
      release()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
