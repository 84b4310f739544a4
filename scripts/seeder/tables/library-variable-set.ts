import {trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'
import {variableTemplates} from './variable-templates.js'

/** Library variable sets, with tenant variable templates like projects'. */
export const libraryVariableSetGenerator: TableGenerator = {
  table: 'LibraryVariableSet',
  weight: 0.02,
  build(index, rng) {
    const n = index + 1
    const name = `Library set ${n}`
    return {
      columns: {Name: name},
      document: {
        Id: `LibraryVariableSets-${n}`,
        Name: name,
        Description: 'Gemeinsame Werte 🚀',
        VariableSetId: `variableset-LibraryVariableSets-${n}`,
        ContentType: 'Variables',
        Templates: variableTemplates(`LibraryVariableSets-${n}`, rng),
        Metadata: trickyMetadata(index),
      },
    }
  },
}
