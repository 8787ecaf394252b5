// `npm run fuzz`: the property-based tests for a long run, with a fresh random seed printed first (or the one given).

/*
 * Usage: npm run fuzz [-- --runs N] [-- --seed S] [-- FILTER...]. The test suite runs every
 * property with the fixed seed of settings.ts and DEFAULT_FUZZ_RUNS cases; this runs them with
 * NETGAP_FUZZ_RUNS=N (default 20,000) and a random seed, printed so that a failure can be
 * replayed with `NETGAP_FUZZ_SEED=S npx vitest run FILE`. No coverage-guided target: the only
 * @jazzer.js/core that installs from the registry (4.0.0) ships a native fuzzer built against
 * glibc 2.38, and Debian 12 has 2.36; older versions download their binary at install time.
 */

import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '20000' }, seed: { type: 'string' } },
  allowPositionals: true,
});
const seed = values.seed ?? String(randomInt(0, 2 ** 31 - 1));
const runs = values.runs;
process.stdout.write(`fuzz: NETGAP_FUZZ_SEED=${seed} NETGAP_FUZZ_RUNS=${runs}\n`);
const root = join(__dirname, '..', '..');
const filters = positionals.length > 0 ? positionals : ['.property.test.ts'];
const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...filters], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NETGAP_FUZZ_SEED: seed, NETGAP_FUZZ_RUNS: runs },
});
if (r.status !== 0)
  process.stdout.write(`fuzz: failed with NETGAP_FUZZ_SEED=${seed}: replay with NETGAP_FUZZ_SEED=${seed} NETGAP_FUZZ_RUNS=${runs} npx vitest run FILE\n`);
process.exitCode = r.status ?? 1;
