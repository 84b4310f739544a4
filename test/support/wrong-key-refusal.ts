/**
 * The refusal of a random wrong key (src/crypto/key-proof.ts describeProof). Such a key opens one of the sampled
 * values now and then by chance (valid padding, valid UTF-8: docs/key-proof.md), so the refusal says either
 * "opens none of N values" or "opens k of N values: not enough to prove it". Both refuse; the exit code and the
 * unchanged database are what the tests hold to.
 */
export const WRONG_KEY_REFUSAL =
  /does not open this database: .*opens (none of [\d,]+ values?|[\d,]+ of [\d,]+ values?: not enough to prove it)/
