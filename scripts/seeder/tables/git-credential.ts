import {Decoy} from '../raw-json.js'
import {trickyMetadata} from '../tricky-json.js'
import type {JsonDocument, TableGenerator} from './table-generator.js'

/** Git credentials: username and password ones hold the secret; a GitHub App one holds a decoy under its name. */
export const gitCredentialGenerator: TableGenerator = {
  table: 'GitCredential',
  weight: 0.01,
  build(index) {
    const n = index + 1
    const name = `Git credential ${n}`
    const details: JsonDocument =
      index % 3 === 2
        ? {Type: 'GitHub', InstallationId: `${1000 + n}`, Password: new Decoy('Git password')}
        : {Type: 'UsernamePassword', Username: `git-${n}`, Password: null}
    return {
      columns: {Name: name},
      document: {
        Id: `GitCredentials-${n}`,
        Name: name,
        Description: null,
        Details: details,
        Metadata: trickyMetadata(index),
      },
    }
  },
}
