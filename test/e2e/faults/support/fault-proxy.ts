import net from 'node:net'

import {FrontendMessages} from './frontend-messages.js'

/** Where a fault strikes: at a statement the command sends, recognised in the protocol, not by time. */
export interface FaultPoint {
  /** Counting starts once a statement matching this was sent (on any connection). */
  readonly after?: RegExp
  /** The fault strikes at the `occurrence`-th statement run (a Query or Bind message) matching this. */
  readonly at: RegExp
  readonly occurrence?: number
  /**
   * 'before': the statement is held while the fault strikes, then relayed (to a session that is gone);
   * 'after-reply': the statement is relayed, the server's answer is withheld while the fault strikes, and the
   * client's connection is then cut, so it never hears the answer.
   */
  readonly when?: 'before' | 'after-reply'
}

export interface FaultProxy {
  readonly port: number
  /**
   * Whether the fault struck, once striking has finished: the command may end (on the error it caused) before a
   * strike has finished waiting for its effect.
   */
  struck(): Promise<boolean>
  /** Why striking failed, if it did: the test's setup is wrong, not the command. */
  readonly failure: unknown
  /** Every statement relayed, in order, for a failing test's message. */
  readonly statements: readonly string[]
  close(): Promise<void>
}

/**
 * A TCP relay to PostgreSQL that reads the command's messages and, at one chosen statement, runs `strike` (end the
 * session from another connection, kill the server) exactly then: a fault at a known step of the command, with
 * nothing in the command knowing it is there. Every other message is relayed untouched.
 */
export async function startFaultProxy(
  target: {host: string; port: number},
  point: FaultPoint,
  strike: () => Promise<void>,
): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>()
  const statements: string[] = []
  let armed = point.after === undefined
  let count = 0
  let striking: Promise<void> | undefined
  let failure: unknown

  const runStrike = () =>
    (striking ??= strike().catch((error: unknown) => {
      failure = error
    }))

  const isTheFault = (sql: string): boolean => {
    if (striking || sql === '') return false
    if (!armed) {
      armed = point.after!.test(sql)
      return false
    }
    return point.at.test(sql) && ++count === (point.occurrence ?? 1)
  }

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host)
    sockets.add(client).add(upstream)
    const messages = new FrontendMessages()
    let pumping = false
    let withholdReply = false
    /** Once the reply is withheld, nothing more from the server reaches this client. */
    let silenced = false
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    const relay = (batch: Buffer[]) => {
      if (batch.length > 0 && !upstream.destroyed) upstream.write(Buffer.concat(batch))
    }
    const cut = () => {
      client.destroy()
      upstream.destroy()
    }

    // Messages are taken in order, so a held statement holds back everything after it on this connection too.
    const pump = async () => {
      if (pumping) return
      pumping = true
      try {
        // What arrived together is relayed together: one write per message would meet Nagle's delay per statement.
        let batch: Buffer[] = []
        for (let message = messages.next(); message; message = messages.next()) {
          if (message.sql) statements.push(message.sql)
          if (isTheFault(message.sql)) {
            if (point.when === 'after-reply') withholdReply = true
            else {
              relay(batch)
              batch = []
              await runStrike()
            }
          }
          batch.push(message.bytes)
        }
        relay(batch)
      } finally {
        pumping = false
      }
    }

    client.on('data', (chunk: Buffer) => {
      messages.push(chunk)
      void pump()
    })
    upstream.on('data', (chunk: Buffer) => {
      if (silenced) return
      if (withholdReply) {
        silenced = true
        void runStrike().then(cut)
        return
      }
      client.write(chunk)
    })
    client.on('end', () => upstream.end())
    upstream.on('end', () => silenced || client.end())
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => sockets.delete(client))
    upstream.on('close', () => sockets.delete(upstream))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    async struck() {
      if (!striking) return false
      await striking
      return true
    },
    get failure() {
      return failure
    },
    statements,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
