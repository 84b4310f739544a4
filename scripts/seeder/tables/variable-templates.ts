import type {Prng} from '../prng.js'
import {Decoy, type JsonValue} from '../raw-json.js'
import type {JsonDocument} from './table-generator.js'
import {ESCAPED_UNICODE} from '../tricky-json.js'

const PLAIN_CONTROLS = ['SingleLineText', 'MultiLineText', 'Checkbox', 'Select'] as const

/**
 * The variable templates of a project or library variable set (what each tenant fills in). The control type sits
 * under a key with dots, `DisplaySettings["Octopus.ControlType"]`. The first template is sensitive (default left
 * `null` for the seeder to fill); the second is plain but holds a decoy; the third, when present, is a decoy whose
 * `DisplaySettings` nests `Octopus` → `ControlType` = `Sensitive`, which only a reader that splits the dotted key
 * would take for sensitive.
 */
export function variableTemplates(prefix: string, rng: Prng): JsonValue[] {
  const templates: JsonValue[] = []
  const count = 2 + rng.int(3)
  for (let t = 0; t < count; t++) {
    const sensitive = t === 0 || (t > 2 && rng.chance(0.3))
    const displaySettings: JsonDocument =
      t === 2
        ? {Octopus: {ControlType: 'Sensitive'}}
        : {'Octopus.ControlType': sensitive ? 'Sensitive' : rng.pick(PLAIN_CONTROLS)}
    templates.push({
      Id: `${prefix}-${t}`,
      Name: sensitive ? `Tenant.Secret${t}` : `Tenant.Setting${t}`,
      Label: sensitive ? 'API key' : 'Setting',
      HelpText: ESCAPED_UNICODE,
      DefaultValue: sensitive ? null : t === 1 || t === 2 ? new Decoy('template default') : `default-${t}`,
      DisplaySettings: displaySettings,
    })
  }
  return templates
}
