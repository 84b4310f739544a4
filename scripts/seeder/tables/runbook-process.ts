import {trickyMetadata} from '../tricky-json.js'
import {processSteps} from './deployment-process.js'
import type {TableGenerator} from './table-generator.js'

/** Runbook processes: steps like a deployment process's, several runbooks per project. */
export const runbookProcessGenerator: TableGenerator = {
  table: 'RunbookProcess',
  weight: 0.04,
  build(index, rng) {
    const n = index + 1
    const projectId = `Projects-${1 + (index % 50)}`
    const runbookId = `Runbooks-${n}`
    return {
      columns: {ProjectId: projectId},
      document: {
        Id: `RunbookProcess-${runbookId}`,
        ProjectId: projectId,
        RunbookId: runbookId,
        Version: rng.int(100),
        Steps: processSteps(n, rng),
        Metadata: trickyMetadata(index),
      },
    }
  },
}
