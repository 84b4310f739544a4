import {Flags} from '@oclif/core'

import {DEFAULT_BATCH_SIZE} from '../../recovery/lost-master-key/recovery-options.js'

/** Hidden: how many rows each read and write handles (bench/ measured the default). */
export function batchSizeFlag(description = 'Documents per batch.') {
  return {batchSize: Flags.integer({description, default: DEFAULT_BATCH_SIZE, min: 1, max: 2000, hidden: true})}
}
