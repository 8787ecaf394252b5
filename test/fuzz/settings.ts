// Seed and run count of every property-based test: fixed in CI, chosen at random by `npm run fuzz`.

import type { Parameters } from 'fast-check';

/**
 * The seed every CI run uses ("netg"), so that a red build reproduces anywhere. `npm run fuzz`
 * sets NETGAP_FUZZ_SEED to a fresh random seed and prints it; a failure prints the seed and
 * path to replay (`NETGAP_FUZZ_SEED=... npx vitest run FILE`), and the case is kept in the
 * test's `examples` and as a golden row.
 */
export const DEFAULT_FUZZ_SEED = 0x6e657467;
/** Runs per property in the test suite: enough to reach every decoder's branches, a few seconds in all. */
export const DEFAULT_FUZZ_RUNS = 400;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new RangeError(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** The seed in force (NETGAP_FUZZ_SEED, else the fixed one). */
export function fuzzSeed(): number {
  return envInt('NETGAP_FUZZ_SEED', DEFAULT_FUZZ_SEED);
}

/**
 * fast-check parameters for one property: the seed in force, NETGAP_FUZZ_RUNS runs times
 * `weight` (a property that reads whole captures runs fewer cases than one over a header).
 */
export function fuzzParams<T>(weight = 1, extra: Parameters<T> = {}): Parameters<T> {
  const runs = Math.max(1, Math.round(envInt('NETGAP_FUZZ_RUNS', DEFAULT_FUZZ_RUNS) * weight));
  return { seed: fuzzSeed(), numRuns: runs, endOnFailure: true, ...extra };
}
