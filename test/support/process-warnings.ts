/**
 * Runs `action` and returns it with every process warning emitted meanwhile (a MaxListenersExceededWarning,
 * a deprecation, an unhandled-rejection warning): a run that leaks listeners shows up here even when its
 * output looks fine. Node prints warnings on the next tick, so the collection waits one turn before it ends.
 */
export async function collectProcessWarnings<T>(action: () => Promise<T>): Promise<{result: T; warnings: Error[]}> {
  const warnings: Error[] = []
  const listener = (warning: Error) => warnings.push(warning)
  process.on('warning', listener)
  try {
    const result = await action()
    await new Promise((resolve) => setImmediate(resolve))
    return {result, warnings}
  } finally {
    process.off('warning', listener)
  }
}
