// Rewrites the expected outputs in test/golden/expected from the current code: `npm run golden:update [-- NAME...]` (all rows, or the named ones).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_DIR, readTestList, runRow } from './golden';

function main(names: readonly string[]): number {
  const all = readTestList();
  const unknown = names.filter((n) => !all.some((row) => row.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`no such TESTLIST row: ${unknown.join(', ')}\n`);
    return 1;
  }
  const rows = names.length === 0 ? all : all.filter((row) => names.includes(row.name));
  mkdirSync(join(GOLDEN_DIR, 'expected'), { recursive: true });
  const written = new Set<string>();
  for (const row of rows) {
    const { stdout, exit } = runRow(row);
    if (exit !== row.exit) process.stderr.write(`${row.name}: exit ${exit}, TESTLIST says ${row.exit}\n`);
    // Rows that share an expected file (the same scenario as pcap and pcapng) must agree: the golden test compares each.
    if (!written.has(row.expected)) writeFileSync(join(GOLDEN_DIR, 'expected', row.expected), stdout);
    written.add(row.expected);
    process.stdout.write(`${row.name} -> expected/${row.expected}\n`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
