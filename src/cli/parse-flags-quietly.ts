import {type Interfaces, Parser} from '@oclif/core'

/**
 * `argv` parsed by `flags` as the command will parse it, or undefined when oclif would refuse it: the command
 * then reports that itself, with oclif's own message. `--json` is left out: oclif adds it to the command at
 * run time, not to its declared flags.
 */
export async function parseFlagsQuietly<F extends Interfaces.FlagInput>(
  flags: F,
  argv: string[],
): Promise<Interfaces.InferredFlags<F> | undefined> {
  try {
    const {flags: parsed} = await Parser.parse(
      argv.filter((arg) => arg !== '--json'),
      {flags, strict: true},
    )
    return parsed as Interfaces.InferredFlags<F>
  } catch {
    return undefined
  }
}
