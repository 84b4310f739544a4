/** The relative imports between the modules of a source tree, and the shapes the architecture forbids in them. */
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import ts from 'typescript'

/** Each module (a path relative to the working folder, `/`-separated) and the modules of the tree it imports. */
export type ImportGraph = Map<string, string[]>

export async function importGraph(root: string): Promise<ImportGraph> {
  const entries = await readdir(root, {recursive: true, withFileTypes: true})
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => toPosix(path.join(entry.parentPath, entry.name)))
    .sort()
  const known = new Set(files)
  const graph: ImportGraph = new Map()
  for (const file of files) {
    const {importedFiles} = ts.preProcessFile(await readFile(file, 'utf8'), true, true)
    const targets = importedFiles
      .map(({fileName}) => fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => toPosix(path.join(path.dirname(file), name)).replace(/\.js$/, '.ts'))
      .filter((target) => known.has(target))
    graph.set(file, [...new Set(targets)].sort())
  }
  return graph
}

/** The strongly connected groups of more than one node (or a node importing itself): every import cycle. */
export function cycles(graph: ImportGraph): string[][] {
  return stronglyConnected(graph).filter((group) => group.length > 1 || (graph.get(group[0]) ?? []).includes(group[0]))
}

/** The folder-to-folder arrows below `base`, each with how many imports make it up. */
export function folderArrows(graph: ImportGraph, base: string): Map<string, Map<string, number>> {
  const arrows = new Map<string, Map<string, number>>()
  for (const [file, targets] of graph) {
    const from = folderBelow(file, base)
    if (from === undefined) continue
    for (const target of targets) {
      const to = folderBelow(target, base)
      if (to === undefined || to === from) continue
      const out = arrows.get(from) ?? new Map<string, number>()
      out.set(to, (out.get(to) ?? 0) + 1)
      arrows.set(from, out)
    }
  }
  return arrows
}

/** The folder graph reduced to which folder points at which, as an ImportGraph over folder names. */
export function folderGraph(arrows: Map<string, Map<string, number>>, folders: string[]): ImportGraph {
  return new Map(folders.map((folder) => [folder, [...(arrows.get(folder)?.keys() ?? [])].sort()]))
}

/** A file's folder relative to `base` (`.` for base itself), or undefined outside it. */
export function folderBelow(file: string, base: string): string | undefined {
  if (!file.startsWith(`${base}/`)) return undefined
  return path.posix.dirname(file.slice(base.length + 1))
}

/** Tarjan's algorithm, iterative over the sorted graph so the groups come out in a stable order. */
function stronglyConnected(graph: ImportGraph): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const groups: string[][] = []
  let next = 0
  const visit = (start: string): void => {
    const work: Array<{node: string; edge: number}> = [{node: start, edge: 0}]
    index.set(start, next)
    low.set(start, next++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const frame = work[work.length - 1]
      const targets = graph.get(frame.node) ?? []
      if (frame.edge < targets.length) {
        const target = targets[frame.edge++]
        if (!index.has(target)) {
          index.set(target, next)
          low.set(target, next++)
          stack.push(target)
          onStack.add(target)
          work.push({node: target, edge: 0})
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!))
        }
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1].node
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!))
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const group: string[] = []
        let member: string
        do {
          member = stack.pop()!
          onStack.delete(member)
          group.push(member)
        } while (member !== frame.node)
        groups.push(group.sort())
      }
    }
  }
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node)
  return groups
}

/** Each node's depth in the graph with its cycles collapsed: 1 for a node importing nothing of the graph. */
export function levels(graph: ImportGraph): Map<string, number> {
  const groups = stronglyConnected(graph)
  const groupOf = new Map<string, string[]>()
  for (const group of groups) for (const node of group) groupOf.set(node, group)
  const depth = new Map<string[], number>()
  // Tarjan emits a group only after every group it points at, so one pass in that order suffices.
  for (const group of groups) {
    const below = group.flatMap((node) => graph.get(node) ?? []).map((target) => groupOf.get(target)!)
    depth.set(group, 1 + Math.max(0, ...below.filter((other) => other !== group).map((other) => depth.get(other)!)))
  }
  return new Map([...graph.keys()].map((node) => [node, depth.get(groupOf.get(node)!)!]))
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/')
}
