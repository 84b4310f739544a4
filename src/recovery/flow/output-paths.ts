import {ExitCode} from '../../exit-codes.js'
import {type FileIdentity, identifyFile, type SameFile, sameFile} from '../../files/file-identity.js'
import {readConfigFile} from '../../instance/config-file.js'
import {machineIdPath} from '../../instance/machine-id-key.js'
import {machineKeyPath} from '../../instance/machine-key.js'
import {RecoveryError} from '../../recovery-error.js'
import {inspectKeyFileTarget} from './key-file-target.js'

/** The files a run writes, and the backup archive they must not overwrite. */
export interface OutputPaths {
  readonly masterKeyFile?: string
  readonly reportFile?: string
  readonly backupFile?: string
}

interface NamedFile {
  /** How the message names it: "the config file", "the --reportFile". */
  readonly role: string
  readonly path: string
}

/**
 * Refuses (exit 2) a `--masterKeyFile` or `--reportFile` that would overwrite a file the server or this run
 * depends on — the config file, a machine key source, the backup archive, or the other output — whether
 * named directly, through a symbolic link or as a hard link; one that is itself a symbolic link, which
 * could point the new master key anywhere; and a `--masterKeyFile` that exists unless it holds the config's key
 * (inspectKeyFileTarget). Runs before anything is written, in dry runs too.
 */
export async function checkOutputPaths(
  options: OutputPaths,
  configPath: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const outputs: NamedFile[] = []
  if (options.masterKeyFile) outputs.push({role: 'the --masterKeyFile', path: options.masterKeyFile})
  if (options.reportFile) outputs.push({role: 'the --reportFile', path: options.reportFile})
  if (outputs.length === 0) return

  const guarded: NamedFile[] = [
    {role: 'the config file', path: configPath},
    {role: 'the machine key file (OCTOPUS_MACHINE_KEY_FILE)', path: machineKeyPath(env)},
    {role: 'the machine id file (OCTOPUS_MACHINE_ID_FILE)', path: machineIdPath(env)},
  ]
  if (options.backupFile) guarded.push({role: 'the backup archive (--backupFile)', path: options.backupFile})

  const identities = new Map<NamedFile, FileIdentity>()
  for (const file of [...outputs, ...guarded]) identities.set(file, await identifyFile(file.path))

  for (const [index, output] of outputs.entries()) {
    const identity = identities.get(output)!
    if (identity.isSymbolicLink) throw symbolicLinkError(output, identity)
    // Each output against the files it must never replace, and against the outputs before it.
    for (const other of [...guarded, ...outputs.slice(0, index)]) {
      const how = sameFile(identity, identities.get(other)!)
      if (how) throw sameFileError(output, other, how)
    }
  }
  if (options.masterKeyFile) await inspectKeyFileTarget(options.masterKeyFile, await readConfigFile(configPath), env)
}

function flagOf(output: NamedFile): string {
  return output.role.replace('the ', '')
}

function sameFileError(output: NamedFile, other: NamedFile, how: SameFile): RecoveryError {
  const via = how === 'same path' ? '' : how === 'symbolic link' ? ' (through a symbolic link)' : ' (a hard link to it)'
  return new RecoveryError(
    `${capitalise(output.role)} ${output.path} is ${other.role} ${other.path}${via}: ` +
      'writing it would destroy that file. Nothing was changed.',
    ExitCode.Usage,
    [`Pass ${flagOf(output)} a path of its own: a new file, not one the server or this command uses.`],
  )
}

function symbolicLinkError(output: NamedFile, identity: FileIdentity): RecoveryError {
  return new RecoveryError(
    `${capitalise(output.role)} ${output.path} is a symbolic link (to ${identity.resolved}); ` +
      'this command does not write through links, so nothing can redirect what it writes. Nothing was changed.',
    ExitCode.Usage,
    [`Pass ${flagOf(output)} the path of a new file, or of the file itself rather than a link to it.`],
  )
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
