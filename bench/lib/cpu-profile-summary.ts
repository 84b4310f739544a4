import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

interface CpuProfile {
  nodes: Array<{id: number; callFrame: {functionName: string; url: string}}>
  samples: number[]
}

/**
 * Where a sample's own time goes: a package under node_modules (the plugin by file), a Node internal, or V8's
 * own entries ("(garbage collector)", "(program)").
 */
export function placeOf(url: string, functionName: string, plugin: string): string {
  if (!url) return functionName
  const inPlugin = url.indexOf(`/node_modules/${plugin}/`)
  if (inPlugin >= 0) return `plugin ${url.slice(inPlugin + plugin.length + 15)}`
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (match) return match[1]
  return url.startsWith('node:') ? url : 'other'
}

/**
 * The mean self time per place over every `--cpu-prof` profile in `dir`, in ms per run: samples × the sampling
 * interval, so a process waiting for a core (which stretches the time between samples) is not billed for it.
 */
export async function selfTimeByPlace(
  dir: string,
  intervalUs: number,
  plugin: string,
): Promise<{runs: number; ms: Map<string, number>}> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'))
  const ms = new Map<string, number>()
  for (const file of files) {
    const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile
    const placeById = new Map(
      profile.nodes.map((node) => [node.id, placeOf(node.callFrame.url, node.callFrame.functionName, plugin)]),
    )
    for (const id of profile.samples) {
      const place = placeById.get(id)!
      ms.set(place, (ms.get(place) ?? 0) + intervalUs / 1000 / files.length)
    }
  }
  return {runs: files.length, ms}
}

/** A table of the places where `a` spends the most more (or less) than `b`, in ms per run. */
export function profileDifference(
  a: Map<string, number>,
  b: Map<string, number>,
  labels: [string, string],
  rows = 15,
): string {
  const places = [...new Set([...a.keys(), ...b.keys()])]
  const delta = (place: string) => (a.get(place) ?? 0) - (b.get(place) ?? 0)
  places.sort((x, y) => Math.abs(delta(y)) - Math.abs(delta(x)))
  const total = (m: Map<string, number>) => [...m.values()].reduce((sum, value) => sum + value, 0)
  const lines = [`| where | ${labels[0]} ms | ${labels[1]} ms | difference |`, '|---|---:|---:|---:|']
  for (const place of places.slice(0, rows)) {
    lines.push(
      `| ${place} | ${(a.get(place) ?? 0).toFixed(1)} | ${(b.get(place) ?? 0).toFixed(1)} | ` +
        `${delta(place) >= 0 ? '+' : ''}${delta(place).toFixed(1)} |`,
    )
  }
  lines.push(`| all | ${total(a).toFixed(1)} | ${total(b).toFixed(1)} | ${(total(a) - total(b)).toFixed(1)} |`)
  return lines.join('\n')
}
