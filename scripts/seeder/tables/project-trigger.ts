import {seededDisabled} from '../disabled-share.js'
import {trickyMetadata} from '../tricky-json.js'
import type {JsonDocument, TableGenerator} from './table-generator.js'

/** Project triggers, scheduled and automatic, in turn (docs/server-formats.md, "A sanitized copy"); no secrets. */
export const projectTriggerGenerator: TableGenerator = {
  table: 'ProjectTrigger',
  weight: 0.01,
  build(index, rng) {
    const n = index + 1
    const projectId = `Projects-${1 + rng.int(50)}`
    const disabled = seededDisabled(index)
    const filter: JsonDocument =
      index % 2 === 0
        ? {FilterType: 'DailySchedule', Timezone: 'UTC', StartTime: '2024-01-01T03:00:00.000Z'}
        : {FilterType: 'MachineFilter', EnvironmentIds: [`Environments-${1 + rng.int(4)}`], EventGroups: []}
    return {
      columns: {ProjectId: projectId, IsDisabled: disabled},
      document: {
        Id: `ProjectTriggers-${n}`,
        Name: `Trigger ${n}`,
        ProjectId: projectId,
        IsDisabled: disabled,
        Filter: filter,
        Action: {ActionType: index % 2 === 0 ? 'DeployLatestRelease' : 'AutoDeploy'},
        Metadata: trickyMetadata(index),
      },
    }
  },
}
