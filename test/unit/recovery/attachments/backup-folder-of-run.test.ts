import {expect} from 'chai'
import {mkdir, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {backupFolderFor, backupFolderOfRun} from '../../../../src/recovery/attachments/backup-folder.js'

describe('the backup folder a run made of an attachments folder', () => {
  let root: string
  let folder: string
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'backup-of-run-'))
    folder = path.join(root, 'KubernetesResourceManifests')
  })
  afterEach(() => rm(root, {recursive: true, force: true}))

  it('is found by the rule that named it: the plain name when free, else the one with the run id', async () => {
    expect(await backupFolderOfRun(folder, 'run-a')).to.equal(undefined)
    const first = await backupFolderFor(folder, 'run-a')
    await mkdir(first)
    const second = await backupFolderFor(folder, 'run-b')
    await mkdir(second)
    expect(second).to.equal(`${first}-run-b`)
    expect(await backupFolderOfRun(folder, 'run-a')).to.equal(first)
    expect(await backupFolderOfRun(folder, 'run-b')).to.equal(second)
  })
})
