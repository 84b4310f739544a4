/**
 * Child process: the new server certificate alone (`createServerCertificate`: an RSA 2048 key made by OpenSSL on a
 * thread-pool thread, then the certificate and its PKCS#12 on the main thread), `--times N` one after the other on an
 * otherwise idle machine. A reset starts it when the run begins and awaits it when the transaction ends, so none of
 * its time shows among the steps, but its CPU competes with PostgreSQL's and the parse's for the machine's cores: a
 * fixed cost that weighs most on a small database. An RSA key's primes are found by a random search, so its time
 * varies widely between runs: the median, the least and the most are printed.
 *
 * Usage: certificate-run.ts [--times N]
 */
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'

import {createServerCertificate} from '../../src/crypto/server-certificate.js'
import {cpuSecondsSince, peakRssMb, report} from '../lib/measurement.js'
import {median} from '../lib/stats.js'

const {values} = parseArgs({options: {times: {type: 'string', default: '7'}}})
const times = Number(values.times)
if (!Number.isInteger(times) || times < 1) throw new Error(`--times must be a whole number from 1, got ${values.times}`)

const wall: number[] = []
const cpu: number[] = []
const mainThread: number[] = []
for (let i = 0; i < times; i++) {
  const cpuFrom = process.cpuUsage()
  const loop = performance.eventLoopUtilization()
  const from = performance.now()
  await createServerCertificate()
  wall.push((performance.now() - from) / 1000)
  cpu.push(cpuSecondsSince(cpuFrom))
  mainThread.push(performance.eventLoopUtilization(loop).active / 1000)
}
report({
  seconds: median(wall),
  cpuSeconds: median(cpu),
  peakRssMb: peakRssMb(),
  documents: 0,
  detail: {
    times,
    leastCpuSeconds: Math.min(...cpu),
    mostCpuSeconds: Math.max(...cpu),
    mainThreadSeconds: median(mainThread),
  },
})
