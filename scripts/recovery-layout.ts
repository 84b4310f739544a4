/**
 * Prints the shape of src/recovery that issue 23 asks to measure before and after a restructuring: its folders and
 * their levels, the arrows between folders and those that point back up (lie on a cycle of folders), the import
 * cycles of src/, and the longest functions of src/. `npx tsx scripts/recovery-layout.ts`
 */
import {readFile} from 'node:fs/promises'

import ts from 'typescript'

import {cycles, folderArrows, folderGraph, importGraph, levels} from './lib/import-graph.js'

const BASE = 'src/recovery'
const graph = await importGraph('src')
const folders = [...new Set([...graph.keys()].filter((file) => file.startsWith(`${BASE}/`)).map(folderOf))].sort()
const arrows = folderArrows(graph, BASE)
const folderLinks = folderGraph(arrows, folders)
const folderCycles = cycles(folderLinks)
const inFolderCycle = new Set(folderCycles.flat())
const folderLevel = levels(folderLinks)
const backUp = [...arrows].flatMap(([from, out]) =>
  [...out.keys()]
    .filter((to) => inFolderCycle.has(from) && folderCycles.some((c) => c.includes(from) && c.includes(to)))
    .map((to) => `${from} → ${to}`),
)

console.log(`${BASE}: ${folders.length} folders on ${Math.max(...folderLevel.values())} levels`)
for (const folder of folders) {
  const out = [...(arrows.get(folder) ?? new Map<string, number>())].map(([to, count]) => `${to} ${count}`)
  console.log(`  L${folderLevel.get(folder)} ${folder} → ${out.join(', ') || '(none)'}`)
}
const arrowCount = [...arrows.values()].reduce((sum, out) => sum + out.size, 0)
console.log(`arrows between folders: ${arrowCount}; pointing back up (on a folder cycle): ${backUp.length}`)
for (const arrow of backUp) console.log(`  ${arrow}`)
const moduleCycles = cycles(graph)
console.log(`import cycles in src/: ${moduleCycles.length}`)
for (const cycle of moduleCycles) console.log(`  ${cycle.join(' ↔ ')}`)
console.log('longest functions in src/:')
for (const fn of (await functionLengths([...graph.keys()])).slice(0, 5))
  console.log(`  ${fn.lines} ${fn.name} (${fn.file})`)

function folderOf(file: string): string {
  return (
    file
      .slice(BASE.length + 1)
      .split('/')
      .slice(0, -1)
      .join('/') || '.'
  )
}

async function functionLengths(files: string[]): Promise<Array<{file: string; name: string; lines: number}>> {
  const found: Array<{file: string; name: string; lines: number}> = []
  for (const file of files) {
    const source = ts.createSourceFile(file, await readFile(file, 'utf8'), ts.ScriptTarget.ES2022, true)
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
        found.push({file, name: functionName(node), lines: end - start + 1})
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return found.sort((a, b) => b.lines - a.lines)
}

function functionName(node: ts.Node): string {
  const named = node as {name?: ts.Node}
  if (named.name) return named.name.getText()
  const parent = node.parent
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText()
  return '(anonymous)'
}
