import {Listr, type ListrTask} from 'listr2'
import {createServerCertificate} from '../crypto/server-certificate.js'
import {generateMasterKey} from '../crypto/master-key.js'
import {checkBackupEvidence} from './backup-evidence.js'
import {RECOVERY_LOCK_NAME} from '../database/operations/recovery-lock.js'
import {readConfigFile} from '../instance/config-file.js'
import {holdRecoveryLock, type HeldLock} from './hold-recovery-lock.js'
import type {RecoveryRun} from './recovery-run.js'
import {sumTallies} from './report/table-tally.js'
import {recordedThumbprint} from './server-certificate-document.js'
import {applyChanges} from './steps/apply-changes.js'
import {checkSchema} from './steps/check-schema.js'
import {checkServerIdle} from './steps/check-server-idle.js'
import {openServer} from './steps/open-server.js'
import {persistNewKey} from './steps/persist-new-key.js'
import {describeKeyTest, testTheCurrentKey} from './steps/test-current-key.js'
import {verifyRecovery} from './steps/verify-recovery.js'

export type RendererChoice = 'default' | 'simple' | 'silent'

/** Live progress on a terminal; plain lines in CI, pipes and tests; nothing under `--json`. */
export function chooseRenderer(json: boolean, stdoutIsTty: boolean, env: NodeJS.ProcessEnv): RendererChoice {
  if (json) return 'silent'
  return stdoutIsTty && !env.CI ? 'default' : 'simple'
}

/** Progress that the simple renderer also shows: at most one line per interval, plus the last. */
function throttled(set: (message: string) => void, intervalMs = 2000): (message: string) => void {
  let last = 0
  return (message) => {
    const now = Date.now()
    if (now - last >= intervalMs) {
      last = now
      set(message)
    }
  }
}

/** The run as a list of steps, each with a title that says what it does; the steps themselves live in `steps/`. */
export async function runTaskList(run: RecoveryRun, renderer: RendererChoice, lock: {held?: HeldLock}): Promise<void> {
  const dryRun = run.options.dryRun
  let certificateDocument: string | undefined
  const tasks: ListrTask<RecoveryRun>[] = [
    {
      title: 'Open the instance and connect to its database',
      task: async (_, task) => {
        task.output = await openServer(run)
      },
    },
    {
      title: 'Check the backup of this database',
      enabled: !dryRun,
      task: async (_, task) => {
        run.backup ??= await checkBackupEvidence(run.database!, run.options)
        task.output = run.backup.kind === 'not-checked' ? run.backup.reason : `found: ${run.backup.kind}`
      },
    },
    {
      title: 'Take the recovery lock',
      task: async (_, task) => {
        lock.held = await holdRecoveryLock(run.database!)
        run.locked = lock.held.ctx
        // Read again under the lock: another run may have put a new key in the config before it let go.
        run.config = await readConfigFile(run.config!.path)
        task.output = `holding "${RECOVERY_LOCK_NAME}": no other recovery can run against this database`
      },
    },
    {
      title: 'Check the database schema',
      task: async (_, task) => {
        const decision = await checkSchema(run.locked!, run.options)
        run.pendingScripts = decision.pending
        task.output = decision.summary
      },
    },
    {
      title: 'Check that no server node is running',
      task: async (_, task) => {
        task.output = await checkServerIdle(run.locked!, run.options.ignoreLiveNodes)
      },
    },
    {
      title: 'Test the current master key',
      task: async (_, task) => {
        const tested = await testTheCurrentKey(run.locked!, run.config!, run.env, run.options.skipCurrentMasterKeyTest)
        run.keyTest = tested.result
        run.alreadyRecovered = tested.alreadyRecovered
        certificateDocument = tested.certificateDocument
        run.oldThumbprint = recordedThumbprint(certificateDocument)
        task.output = run.alreadyRecovered
          ? `run ${run.alreadyRecovered.runId} already replaced the key at ${run.alreadyRecovered.occurred}: nothing left to do`
          : tested.result === 'skipped'
            ? 'skipped (--skipCurrentMasterKeyTest)'
            : describeKeyTest(tested.result)
      },
    },
    {
      title: 'Generate a new master key and server certificate',
      enabled: () => !dryRun && !run.alreadyRecovered,
      task: async (_, task) => {
        run.newKey = generateMasterKey(32)
        run.newCertificate = await createServerCertificate()
        task.output = `new certificate ${run.newCertificate.thumbprint}`
      },
    },
    {
      title: 'Seal the new master key into the config file',
      enabled: () => !dryRun && !run.alreadyRecovered,
      task: async (_, task) => {
        // The re-entry list must be writable before anything changes: it cannot fail half-way through the reset.
        await run.reentry.open()
        task.output = await persistNewKey(run, run.newKey!)
      },
    },
    {
      title: dryRun ? 'Scan the sensitive values (dry run: nothing is written)' : 'Reset the sensitive values in one transaction',
      enabled: () => !run.alreadyRecovered,
      task: async (_, task) => {
        const progress = throttled((message) => (task.output = message))
        await applyChanges(run, certificateDocument, progress)
        const {documentsScanned, valuesReset} = sumTallies(run.tallies)
        task.output = `${documentsScanned.toLocaleString('en-US')} documents scanned, ${valuesReset.toLocaleString('en-US')} values ${dryRun ? 'would be reset' : 'reset; committed'}`
      },
    },
    {
      title: 'Verify: the key in the config opens the new certificate',
      enabled: () => !dryRun && !run.alreadyRecovered,
      task: async (_, task) => {
        task.output = await verifyRecovery(run)
      },
    },
  ]
  // A Ctrl-C between steps stops the run at the next step boundary; inside the long step, between batches.
  const interruptible = tasks.map((t): ListrTask<RecoveryRun> => ({
    ...t,
    task: async (ctx, task) => {
      run.interruption.throwIfInterrupted()
      await t.task(ctx, task)
    },
  }))
  await new Listr<RecoveryRun, RendererChoice, 'simple'>(interruptible, {
    ctx: run,
    renderer,
    fallbackRenderer: 'simple',
    exitOnError: true,
    // The run handles Ctrl-C itself, so it can roll back instead of exiting half-way.
    registerSignalListeners: false,
    rendererOptions: {persistentOutput: true, clearOutput: false},
  } as never).run()
}
