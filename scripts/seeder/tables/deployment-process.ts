import type {Prng} from '../prng.js'
import type {JsonValue} from '../raw-json.js'
import {DECIMAL_WITH_ZERO, ESCAPED_UNICODE, trickyMetadata} from '../tricky-json.js'
import type {JsonDocument, TableGenerator} from './table-generator.js'

const SENSITIVE_PROPERTY_NAMES = [
  'Octopus.Action.Azure.Password',
  'Octopus.Action.Script.Secret',
  'Octopus.Action.Package.JavaKeystorePassword',
] as const

/**
 * The steps of a deployment or runbook process: actions, some with sensitive properties and some with none; the
 * first step also has sensitive properties of its own, later ones an empty set.
 */
export function processSteps(n: number, rng: Prng): JsonValue[] {
  const steps: JsonValue[] = []
  const stepCount = 1 + rng.int(4)
  for (let s = 0; s < stepCount; s++) {
    const actions: JsonValue[] = []
    const actionCount = 1 + rng.int(2)
    for (let a = 0; a < actionCount; a++) {
      const sensitive: JsonDocument = {}
      const sensitiveCount = s === 0 && a === 0 ? 1 + rng.int(3) : rng.int(3)
      for (let k = 0; k < sensitiveCount; k++) sensitive[SENSITIVE_PROPERTY_NAMES[k]] = null
      actions.push({
        Id: `${n}-${s}-${a}`,
        Name: `Step ${s + 1} action ${a + 1}`,
        ActionType: rng.pick(['Octopus.Script', 'Octopus.AzureWebApp', 'Octopus.TentaclePackage']),
        Properties: {
          'Octopus.Action.Script.ScriptBody': 'Write-Host "Grüße 🚀"',
          'Octopus.Action.RunOnServer': 'true',
          Weight: DECIMAL_WITH_ZERO,
          Greeting: ESCAPED_UNICODE,
        },
        SensitiveProperties: sensitive,
        Environments: [],
        IsDisabled: false,
      })
    }

    steps.push({
      Id: `${n}-${s}`,
      Name: `Step ${s + 1}`,
      Condition: 'Success',
      StartTrigger: 'StartAfterPrevious',
      Properties: {'Octopus.Action.TargetRoles': 'web'},
      SensitiveProperties: s === 0 ? {'Octopus.Step.Secret': null} : {},
      Actions: actions,
    })
  }

  return steps
}

/** Deployment processes, one per project. */
export const deploymentProcessGenerator: TableGenerator = {
  table: 'DeploymentProcess',
  weight: 0.08,
  build(index, rng) {
    const n = index + 1
    const projectId = `Projects-${n}`
    return {
      columns: {ProjectId: projectId},
      document: {
        Id: `deploymentprocess-${projectId}`,
        ProjectId: projectId,
        Version: rng.int(100),
        Steps: processSteps(n, rng),
        Metadata: trickyMetadata(index),
      },
    }
  },
}
