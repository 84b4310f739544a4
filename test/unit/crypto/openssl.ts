import {spawnSync} from 'node:child_process'

/**
 * Runs the OpenSSL CLI (the independent second opinion in these tests) and returns its standard output
 * followed by its standard error, where `pkcs12 -info` writes; throws when it fails.
 */
export function openssl(...args: string[]): string {
  const result = spawnSync('openssl', args, {encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr || result.error}`)
  return result.stdout + result.stderr
}
