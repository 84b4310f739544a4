import {readdir} from 'node:fs/promises'

import {expect} from 'chai'

import {cycles, folderArrows, folderBelow, folderGraph, importGraph} from '../../../scripts/lib/import-graph.js'

const RECOVERY = 'src/recovery'

/** The command folders are named for the commands (src/commands/server/*.ts); every other folder is shared. */
async function commandFolders(): Promise<Set<string>> {
  const files = await readdir('src/commands/server')
  return new Set(files.map((file) => file.replace(/\.ts$/, '')))
}

describe('the imports of src/ (docs/architecture.md)', () => {
  it('form no cycle', async () => {
    expect(cycles(await importGraph('src'))).to.deep.equal([])
  })

  it('point one way between the folders of src/recovery: no folder cycle, so no arrow back up', async () => {
    const graph = await importGraph('src')
    const folders = [...new Set([...graph.keys()].map((file) => folderBelow(file, RECOVERY)))].filter(
      (folder): folder is string => folder !== undefined,
    )
    expect(folders.length).to.be.greaterThan(5)
    expect(cycles(folderGraph(folderArrows(graph, RECOVERY), folders))).to.deep.equal([])
  })

  it('never from the flow or a shared engine into a command folder', async () => {
    const commands = await commandFolders()
    const arrows = folderArrows(await importGraph('src'), RECOVERY)
    const intoCommands = [...arrows]
      .filter(([from]) => !commands.has(from.split('/')[0]))
      .flatMap(([from, out]) =>
        [...out.keys()].filter((to) => commands.has(to.split('/')[0])).map((to) => `${from} → ${to}`),
      )
    expect(intoCommands).to.deep.equal([])
  })

  it('never from one command folder into another', async () => {
    const commands = await commandFolders()
    const arrows = folderArrows(await importGraph('src'), RECOVERY)
    const across = [...arrows]
      .filter(([from]) => commands.has(from.split('/')[0]))
      .flatMap(([from, out]) =>
        [...out.keys()].filter((to) => commands.has(to.split('/')[0])).map((to) => `${from} → ${to}`),
      )
    expect(across).to.deep.equal([])
  })
})

describe('the import graph reader', () => {
  it('finds a cycle, a folder cycle and an arrow into a command folder when there is one', () => {
    const graph = new Map([
      ['src/recovery/a/x.ts', ['src/recovery/b/y.ts']],
      ['src/recovery/b/y.ts', ['src/recovery/a/x.ts', 'src/recovery/b/z.ts']],
      ['src/recovery/b/z.ts', []],
    ])
    expect(cycles(graph)).to.deep.equal([['src/recovery/a/x.ts', 'src/recovery/b/y.ts']])
    const arrows = folderArrows(graph, RECOVERY)
    expect([...arrows.get('b')!]).to.deep.equal([['a', 1]])
    expect(cycles(folderGraph(arrows, ['a', 'b']))).to.deep.equal([['a', 'b']])
  })
})
