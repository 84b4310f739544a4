/** How many sensitive values of a table the seeder meant to be of each kind, or a read-back found. */
export interface SensitiveCounts {
  readable: number
  corrupt: number
  nonCiphertext: number
  alreadyNull: number
}

export function emptyCounts(): SensitiveCounts {
  return {readable: 0, corrupt: 0, nonCiphertext: 0, alreadyNull: 0}
}

export function addCounts(into: SensitiveCounts, from: SensitiveCounts): void {
  into.readable += from.readable
  into.corrupt += from.corrupt
  into.nonCiphertext += from.nonCiphertext
  into.alreadyNull += from.alreadyNull
}
