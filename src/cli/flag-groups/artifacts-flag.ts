import {Flags} from '@oclif/core'

/** Where the server keeps attachments encrypted with the master key (docs/server-formats.md, "Attachments on disk"). */
export const artifactsFlag = {
  artifactsDirectory: Flags.string({
    description:
      "The server's artifacts folder, whose encrypted attachments follow the key. Default: the config's " +
      'Octopus.Folders.ArtifactsDirectory, else <Octopus.Home>/Artifacts.',
  }),
}
