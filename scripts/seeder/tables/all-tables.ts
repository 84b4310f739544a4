import {CATALOG_TABLES} from '../../../src/recovery/catalog/catalog.js'
import {accountGenerator} from './account.js'
import {actionTemplateGenerator} from './action-template.js'
import {certificateGenerator} from './certificate.js'
import {deploymentProcessGenerator} from './deployment-process.js'
import {eventGenerator} from './event.js'
import {feedGenerator} from './feed.js'
import {genericGenerator} from './generic.js'
import {gitCredentialGenerator} from './git-credential.js'
import {libraryVariableSetGenerator} from './library-variable-set.js'
import {machineGenerator} from './machine.js'
import {projectGenerator} from './project.js'
import {projectTriggerGenerator} from './project-trigger.js'
import {proxyGenerator} from './proxy.js'
import {runbookProcessGenerator} from './runbook-process.js'
import {subscriptionGenerator} from './subscription.js'
import type {TableGenerator} from './table-generator.js'
import {tenantVariableGenerator} from './tenant-variable.js'
import {userGenerator} from './user.js'
import {variableSetGenerator} from './variable-set.js'
import {workerGenerator} from './worker.js'

const SPECIFIC: readonly TableGenerator[] = [
  variableSetGenerator,
  accountGenerator,
  feedGenerator,
  machineGenerator,
  workerGenerator,
  proxyGenerator,
  gitCredentialGenerator,
  projectGenerator,
  libraryVariableSetGenerator,
  deploymentProcessGenerator,
  runbookProcessGenerator,
  subscriptionGenerator,
  projectTriggerGenerator,
  actionTemplateGenerator,
  certificateGenerator,
  tenantVariableGenerator,
  userGenerator,
  eventGenerator,
]

/**
 * A generator for every bulk document table: the specific ones, plus a generic one for any catalog table
 * they do not cover. Users come before events, which name them. (Configuration and the server nodes are
 * written separately: they are a handful of fixed documents.)
 */
export const TABLE_GENERATORS: readonly TableGenerator[] = [
  ...SPECIFIC,
  ...CATALOG_TABLES.filter((table) => table !== 'Configuration' && !SPECIFIC.some((g) => g.table === table)).map(
    genericGenerator,
  ),
]
