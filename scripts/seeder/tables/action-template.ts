import {Decoy, type JsonValue} from '../raw-json.js'
import {ESCAPED_UNICODE, trickyMetadata} from '../tricky-json.js'
import type {JsonDocument, TableGenerator} from './table-generator.js'

const PLAIN_CONTROLS = ['SingleLineText', 'MultiLineText', 'Checkbox', 'Select'] as const

/** Step templates: sensitive properties, and parameters of both kinds (sensitive defaults, plain ones and a decoy). */
export const actionTemplateGenerator: TableGenerator = {
  table: 'ActionTemplate',
  weight: 0.04,
  build(index, rng) {
    const n = index + 1
    const name = `Template ${n} — déployer`
    const parameters: JsonValue[] = []
    const parameterCount = 2 + rng.int(3)
    for (let p = 0; p < parameterCount; p++) {
      const sensitive = p === 0 || rng.chance(0.3)
      parameters.push({
        Id: `${n}-${p}`,
        Name: sensitive ? `Template.Secret${p}` : `Template.Setting${p}`,
        Label: sensitive ? 'API key' : 'Setting',
        HelpText: ESCAPED_UNICODE,
        // The second parameter, when plain, holds a decoy: its control type says it is not sensitive.
        DefaultValue: sensitive ? null : p === 1 ? new Decoy('parameter default') : `default-${p}`,
        // A string dictionary with a dotted key, as for project templates (docs/catalog.md).
        DisplaySettings: {'Octopus.ControlType': sensitive ? 'Sensitive' : rng.pick(PLAIN_CONTROLS)},
      })
    }

    return {
      columns: {Name: name},
      document: {
        Id: `ActionTemplates-${n}`,
        Name: name,
        Description: 'Grüße 🚀',
        ActionType: 'Octopus.Script',
        Version: rng.int(20),
        Properties: {'Octopus.Action.Script.ScriptBody': 'echo hi'},
        SensitiveProperties: rng.chance(0.7) ? {'Octopus.Action.Template.Token': null} : ({} as JsonDocument),
        Parameters: parameters,
        Metadata: trickyMetadata(index),
      },
    }
  },
}
