// The golden table (tcpdump's TESTLIST): parse it and run one row through the built CLI.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli-run';
import { FIXTURES } from '../repo';

export const GOLDEN_DIR = __dirname;
export const FIXTURES_DIR = FIXTURES;

export interface GoldenRow {
  name: string;
  /** Fixture file names (comma-separated in the table), read as one timeline. */
  fixtures: string[];
  /** Expected stdout, a file in test/golden/expected/. */
  expected: string;
  exit: number;
  args: string[];
}

/** Rows: `name  fixtures  expected  exit  [options...]`; `#` starts a comment. */
export function readTestList(): GoldenRow[] {
  return readFileSync(join(GOLDEN_DIR, 'TESTLIST'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .map((l) => {
      const [name, fixtures, expected, exit, ...args] = l.split(/\s+/);
      if (name === undefined || fixtures === undefined || expected === undefined || exit === undefined) throw new Error(`bad TESTLIST row: ${l}`);
      return { name, fixtures: fixtures.split(','), expected, exit: Number(exit), args };
    });
}

/** Runs the row through the built CLI (`npm test` builds it first, in pretest), in UTC. */
export function runRow(row: GoldenRow): { stdout: string; stderr: string; exit: number } {
  const files = row.fixtures.map((f) => join(FIXTURES_DIR, f));
  const r = runCli(['read', ...row.args, ...files], { env: { ...process.env, TZ: 'UTC' } });
  // Error lines name the file as given; strip the machine-specific directory.
  return { stdout: r.stdout, stderr: r.stderr.split(FIXTURES_DIR + '/').join(''), exit: r.status ?? -1 };
}
