import {Decoy, type JsonValue} from '../raw-json.js'
import {trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'
import {variableTemplates} from './variable-templates.js'

/**
 * Where a project keeps its process, in turn: in the database, in Git with a password (the secret), in Git with
 * a shared Git credential (a decoy password beside the reference), or anonymously.
 */
function persistence(index: number): JsonValue {
  const git = {Url: `https://git.example.com/projects/${index + 1}.git`, DefaultBranch: 'main', BasePath: '.octopus'}
  switch (index % 4) {
    case 0: {
      return {
        Type: 'VersionControlled',
        ...git,
        Credentials: {Type: 'UsernamePassword', Username: `git-${index + 1}`, Password: null},
      }
    }

    case 1: {
      return {Type: 'Database'}
    }

    case 2: {
      return {
        Type: 'VersionControlled',
        ...git,
        Credentials: {Type: 'Reference', Id: 'GitCredentials-1', Password: new Decoy('Git password')},
      }
    }

    default: {
      return {Type: 'VersionControlled', ...git, Credentials: {Type: 'Anonymous'}}
    }
  }
}

export const projectGenerator: TableGenerator = {
  table: 'Project',
  weight: 0.03,
  build(index, rng) {
    const n = index + 1
    const name = `Project ${n} — Grüße`
    return {
      columns: {Name: name},
      document: {
        Id: `Projects-${n}`,
        Name: name,
        Slug: `project-${n}`,
        ProjectGroupId: `ProjectGroups-${1 + rng.int(5)}`,
        DeploymentProcessId: `deploymentprocess-Projects-${n}`,
        VariableSetId: `variableset-Projects-${n}`,
        PersistenceSettings: persistence(index),
        Templates: variableTemplates(`Projects-${n}`, rng),
        IsDisabled: false,
        Metadata: trickyMetadata(index),
      },
    }
  },
}
