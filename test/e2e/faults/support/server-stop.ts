import {expect} from 'chai'

import {type EmbeddedServer, startEmbeddedPostgres} from '../../../../scripts/lib/embedded-postgres.js'
import {type Snapshot, snapshot} from './consistency.js'
import {type FaultProxy, startFaultProxy} from './fault-proxy.js'
import {connectThrough, databaseAddress, type FaultServer, type FaultServerOptions} from './fault-server.js'

/**
 * docs/recovery.md, "When something fails": the database server dies (SIGKILL to all its processes) at the fourth
 * UPDATE of the command's one transaction, after three batches. The server is the describe block's own (commits
 * durable, so a kill loses only what was not committed), so the suite's stays up.
 */
export interface ServerStop {
  /** A server made by `create` on the block's PostgreSQL, reached through a proxy that will kill it; its state now. */
  arm(create: (options: FaultServerOptions) => Promise<FaultServer>, seed: number): Promise<ArmedServer>
  /**
   * The kill struck, and the proxy relayed without failing. Once it struck the server is started again (recovering
   * from its WAL) before anything is judged, so that a failing test still cleans up after itself.
   */
  expectStruckAndRestart(): Promise<void>
}

export interface ArmedServer {
  readonly target: FaultServer
  readonly before: Snapshot
}

/** Registers the block's hooks: its own server, started before and stopped after; each test's proxy and server gone. */
export function serverStopHooks(): ServerStop {
  let postgres: EmbeddedServer | undefined
  let target: FaultServer | undefined
  let proxy: FaultProxy | undefined

  before(async () => {
    postgres = await startEmbeddedPostgres({durableCommits: true})
  })

  after(() => postgres?.stop())

  afterEach(async () => {
    await proxy?.close()
    await target?.server.dispose()
  })

  return {
    async arm(create, seed) {
      const server = postgres!
      target = await create({seed, server})
      const fourthUpdate = {after: /^begin$/, at: /UPDATE "/, occurrence: 4}
      proxy = await startFaultProxy(databaseAddress(target), fourthUpdate, () => server.killHard())
      await connectThrough(target, proxy.port)
      return {target, before: await snapshot(target)}
    },
    async expectStruckAndRestart() {
      const struck = await proxy!.struck()
      if (struck) await postgres!.start()
      expect(struck, `the fault never struck; statements: ${proxy!.statements.join('\n')}`).to.equal(true)
      expect(proxy!.failure).to.equal(undefined)
    },
  }
}
