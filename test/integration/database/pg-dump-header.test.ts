import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {sql} from 'kysely'

import {readPgDumpHeader} from '../../../src/database/backup/pg-dump-header.js'
import {insertDocuments} from '../../../src/database/operations/insert-documents.js'
import {createSchema} from '../../../src/database/schema/create-schema.js'
import {databaseTargets} from '../../support/targets.js'
import {openTestContext, type TestContext} from './test-context.js'

const run = promisify(execFile)
const PG_DUMP = '/usr/bin/pg_dump'

describe('readPgDumpHeader', () => {
  let test: TestContext
  let folder: string
  let serverVersion: string
  let dumpVersion: string
  let startedAt: Date
  let finishedAt: Date
  const file = (name: string) => path.join(folder, name)

  const dump = (format: string, name: string, ...extra: string[]) =>
    run(PG_DUMP, [`-F${format}`, '-f', file(name), '--dbname', test.connectionString, ...extra])

  async function truncated(source: string, name: string, keep: (size: number) => number): Promise<string> {
    const bytes = await readFile(file(source))
    await writeFile(file(name), bytes.subarray(0, keep(bytes.length)))
    return file(name)
  }

  before(async () => {
    test = await openTestContext(databaseTargets().find((target) => target.name === 'postgres')!)
    folder = await mkdtemp(path.join(tmpdir(), 'pg-dump-header-'))
    await createSchema(test.ctx)
    // Enough varied rows that the archive holds real compressed data blocks to cut into.
    await insertDocuments(
      test.ctx,
      'Event',
      ['Id', 'JSON', 'Occurred', 'Category', 'Message'],
      Array.from({length: 4000}, (_, i) => ({
        Id: `Events-${i}`,
        JSON: JSON.stringify({n: i, noise: Math.random().toString(36).repeat(8)}),
        Occurred: new Date(),
        Category: 'Test',
        Message: `event ${i} ${Math.random()}`,
      })),
    )
    serverVersion = (await sql<{v: string}>`SELECT current_setting('server_version') AS v`.execute(test.ctx.db)).rows[0]
      .v
    dumpVersion = /(\d+\.\d+)/.exec((await run(PG_DUMP, ['--version'])).stdout)![1]
    startedAt = new Date()
    await dump('c', 'custom.dump')
    await dump('t', 'archive.tar')
    await dump('c', 'schema-only.dump', '--schema-only')
    await dump('p', 'plain.sql')
    // Written to a pipe, pg_dump cannot go back to record where each data block starts.
    await run('sh', ['-c', `"${PG_DUMP}" -Fc --dbname "$URL" | cat > "$OUT"`], {
      env: {...process.env, URL: test.connectionString, OUT: file('piped.dump')},
    })
    finishedAt = new Date()
  })
  after(async () => {
    await rm(folder, {recursive: true, force: true})
    await test.close()
  })

  function expectHeader(header: Awaited<ReturnType<typeof readPgDumpHeader>>, format: 'custom' | 'tar'): void {
    if (!header.ok) expect.fail(`expected a readable archive, got: ${header.reason}`)
    expect(header.format).to.equal(format)
    expect(header.databaseName).to.equal(test.ctx.databaseName)
    expect(header.serverVersion).to.equal(serverVersion)
    expect(header.dumpVersion.startsWith(dumpVersion)).to.equal(true)
    // pg_dump records whole seconds.
    expect(header.createdAt.getTime()).to.be.within(startedAt.getTime() - 1000, finishedAt.getTime())
  }

  it('reads the database name, creation time and versions of a custom-format archive (-Fc)', async () => {
    expectHeader(await readPgDumpHeader(file('custom.dump')), 'custom')
  })

  it('reads the same from a tar-format archive’s toc.dat (-Ft)', async () => {
    expectHeader(await readPgDumpHeader(file('archive.tar')), 'tar')
  })

  it('reads an archive pg_dump wrote to a pipe, and notices when it is cut short', async () => {
    expectHeader(await readPgDumpHeader(file('piped.dump')), 'custom')
    const header = await readPgDumpHeader(
      await truncated('piped.dump', 'cut-piped.dump', (size) => Math.floor(size / 2)),
    )
    expect(header).to.deep.equal({ok: false, reason: 'the archive is truncated'})
  })

  it('reads a schema-only archive, which has no data blocks', async () => {
    expectHeader(await readPgDumpHeader(file('schema-only.dump')), 'custom')
  })

  it('reads the archive version 1.15 header, whose compression is one algorithm byte', async () => {
    const bytes = await readFile(file('schema-only.dump'))
    expect(bytes[6], 'pg_dump 15 writes archive version 1.14').to.equal(14)
    const intSize = bytes[8]
    // 1.14 → 1.15: the compression level (a sign byte and intSize bytes) becomes an algorithm byte (0: none).
    const upgraded = Buffer.concat([
      bytes.subarray(0, 6),
      Buffer.from([15]),
      bytes.subarray(7, 11),
      Buffer.from([0]),
      bytes.subarray(11 + 1 + intSize),
    ])
    await writeFile(file('v115.dump'), upgraded)
    const header = await readPgDumpHeader(file('v115.dump'))
    expectHeader(header, 'custom')
    expect(header.ok && header.archiveVersion).to.equal('1.15')
  })

  it('says a custom archive cut short, anywhere, is truncated', async () => {
    for (const keep of [(size: number) => size - 7, (size: number) => Math.floor(size / 2), () => 40, () => 12]) {
      const header = await readPgDumpHeader(await truncated('custom.dump', 'cut.dump', keep))
      expect(header, String(keep)).to.deep.equal({ok: false, reason: 'the archive is truncated'})
    }
  })

  it('says a tar archive cut short is truncated', async () => {
    for (const keep of [(size: number) => Math.floor(size / 2), () => 700]) {
      const header = await readPgDumpHeader(await truncated('archive.tar', 'cut.tar', keep))
      expect(header, String(keep)).to.deep.equal({ok: false, reason: 'the archive is truncated'})
    }
  })

  it('refuses a plain SQL dump, a text file, an empty file, a missing file and a folder, saying why', async () => {
    await writeFile(file('notes.txt'), 'these are not the backups you are looking for\n'.repeat(40))
    await writeFile(file('empty.dump'), '')
    await mkdir(file('directory.dump'))
    const reasons = await Promise.all(
      ['plain.sql', 'notes.txt', 'empty.dump', 'missing.dump', 'directory.dump'].map(async (name) => {
        const header = await readPgDumpHeader(file(name))
        expect(header.ok, name).to.equal(false)
        return header.ok ? '' : header.reason
      }),
    )
    expect(reasons[0]).to.match(/plain SQL dump/)
    expect(reasons[1]).to.match(/not a pg_dump archive/)
    expect(reasons[2]).to.match(/empty/)
    expect(reasons[3]).to.match(/does not exist/)
    expect(reasons[4]).to.match(/not a regular file/)
  })

  it('refuses a tar file that pg_dump did not make', async () => {
    await writeFile(file('readme.txt'), 'hello')
    await run('tar', ['-cf', file('other.tar'), '-C', folder, 'readme.txt'])
    const header = await readPgDumpHeader(file('other.tar'))
    expect(header).to.deep.equal({ok: false, reason: 'it is a tar file without a toc.dat, so not a pg_dump archive'})
  })
})
