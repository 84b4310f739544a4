import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, readdir, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {isAlive} from '../../../scripts/lib/process-tree.js'
import {ownerOf, sweepStaleServers} from '../../../scripts/lib/server-folder.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const PREFIX = 'lost-master-key-pg-'

/** Starts an embedded PostgreSQL in a child process that then waits; resolves with the child once the server is up. */
function childWithServer(): Promise<ReturnType<typeof spawn>> {
  const script =
    `import {startEmbeddedPostgres} from './scripts/lib/embedded-postgres.ts'\n` +
    `await startEmbeddedPostgres()\nconsole.log('up')\nsetInterval(() => {}, 1000)\n`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('up') && resolve(child))
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before its server was up`)))
  })
}

async function postmasterOf(folder: string): Promise<number> {
  return Number((await readFile(path.join(folder, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0])
}

/** scripts/lib/server-folder.ts: a killed run's server is stopped and its folder removed by the next run's start. */
describe('the sweep of servers a killed run left behind', () => {
  it('names a folder for its process, and reads no other name as one', () => {
    expect(ownerOf(`${PREFIX}4242-a1B2c3`, PREFIX)).to.equal(4242)
    // Folders of the old naming (mkdtemp's six characters alone, all digits by chance) are never taken for a pid.
    expect(ownerOf(`${PREFIX}123456`, PREFIX)).to.equal(undefined)
    expect(ownerOf(`${PREFIX}f7Cy7b`, PREFIX)).to.equal(undefined)
    expect(ownerOf(`lost-master-key-bbf-data-4242-a1B2c3`, PREFIX)).to.equal(undefined)
  })

  it('kills the server of a process that is gone and removes its folder; leaves a live process’s folder', async () => {
    const live = path.join(tmpdir(), `${PREFIX}${process.pid}-livexx`)
    await mkdir(live, {recursive: true})
    const child = await childWithServer()
    try {
      const name = (await readdir(tmpdir())).find((entry) => ownerOf(entry, PREFIX) === child.pid)
      expect(name, 'the child’s server folder, named for the child').to.be.a('string')
      const folder = path.join(tmpdir(), name!)
      const postmaster = await postmasterOf(folder)
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
      expect(await isAlive(postmaster), 'the server outlives the process that started it').to.equal(true)

      const swept = await sweepStaleServers(tmpdir(), PREFIX)

      expect(swept).to.include(folder)
      expect(await isAlive(postmaster)).to.equal(false)
      expect(existsSync(folder)).to.equal(false)
      expect(existsSync(live), 'the folder of a process still running').to.equal(true)
    } finally {
      child.kill('SIGKILL')
      await rm(live, {recursive: true, force: true})
    }
  })
})
