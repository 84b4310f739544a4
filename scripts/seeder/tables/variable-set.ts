import {Decoy, RawJson, type JsonValue} from '../raw-json.js'
import {ESCAPED_UNICODE, trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'

const PLAIN_VALUES: readonly JsonValue[] = [
  'https://example.com/#{Octopus.Environment.Name}',
  ESCAPED_UNICODE,
  'Grüße 🚀',
  '',
  // Looks like `cipher|iv` but the variable is not sensitive: a reset must leave it alone.
  'AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==',
  new RawJson('"line1\\nline2\\u0009tab"'),
]

/** Project variable sets: several variables each, some `Sensitive`, most plain. */
export const variableSetGenerator: TableGenerator = {
  table: 'VariableSet',
  weight: 0.12,
  build(index, rng) {
    const id = `variableset-Projects-${index + 1}`
    const ownerId = `Projects-${index + 1}`
    const count = 2 + rng.int(7)
    const variables: JsonValue[] = []
    for (let i = 0; i < count; i++) {
      // The first is always plain and the second always sensitive, so every set mixes both.
      const sensitive = i === 1 || (i > 1 && rng.chance(0.3))
      variables.push({
        Id: `${index + 1}-${i}-${rng.uint32().toString(16)}`,
        Name: sensitive ? `Secret.Password${i}` : `App.Setting${i}`,
        // The third, when plain, is a decoy: a real ciphertext in a variable whose type is not Sensitive.
        Value: sensitive ? null : i === 2 ? new Decoy('sensitive variable') : rng.pick(PLAIN_VALUES),
        Description: i === 0 ? ESCAPED_UNICODE : null,
        Scope: {Environment: [`Environments-${1 + rng.int(4)}`], Role: rng.chance(0.5) ? ['web'] : []},
        IsEditable: true,
        Prompt: null,
        Type: sensitive ? 'Sensitive' : 'String',
      })
    }

    return {
      columns: {OwnerId: ownerId},
      document: {
        Id: id,
        OwnerId: ownerId,
        Version: rng.int(50),
        Variables: variables,
        SpaceId: 'Spaces-1',
        Metadata: trickyMetadata(index),
      },
    }
  },
}
