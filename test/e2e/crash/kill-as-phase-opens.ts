/**
 * Loaded into a crash trial's child (`--import`, by command-child.ts) when its kill is aimed at the instant a phase
 * opens: the child SIGKILLs itself as it writes the phase's opening line, right after the line reaches the pipe and
 * before it runs one more statement. A kill sent by the parent on reading that line lands only as soon as the parent
 * is scheduled, by which time the child may be phases further: "new key generated" lasts under a millisecond (32
 * random bytes made in memory between two lines), and the parent read its opening line in the same chunk as the next
 * phase's in half of the calibrations of a 150-trial run. Nothing of the command is changed: only where its stdout
 * goes first.
 */
import {writeSync} from 'node:fs'

import {KILL_PHASE_VARIABLE, KILLED_MARK, MARK_FD} from './kill-in-child.js'
import {COMMAND_PHASES, PhaseTracker} from './phases.js'

const [command, phase] = (process.env[KILL_PHASE_VARIABLE] ?? '').split('#')
const tracker = new PhaseTracker(COMMAND_PHASES[command])
const target = Number(phase)
const write = process.stdout.write.bind(process.stdout)
let pending = ''

// Every line of the command's stdout (listr2's renderer keeps the `write` it finds when it starts) passes here first.
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  let end = 0
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', end)) {
    const line = pending + text.slice(end, newline)
    pending = ''
    end = newline + 1
    tracker.see(line)
    if (tracker.current >= target) {
      // Writes to a pipe are synchronous on Linux: the line is in the pipe before the kill.
      write(text.slice(0, end))
      writeSync(MARK_FD, KILLED_MARK)
      process.kill(process.pid, 'SIGKILL')
    }
  }
  pending += text.slice(end)
  return write(chunk, ...rest)
}) as typeof process.stdout.write
