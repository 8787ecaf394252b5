// Rewrites every expected output in test/golden/expected from the current code (`npm run golden:update`).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_DIR, readTestList, runRow } from './golden';

function main(): void {
  mkdirSync(join(GOLDEN_DIR, 'expected'), { recursive: true });
  const written = new Set<string>();
  for (const row of readTestList()) {
    const { stdout, exit } = runRow(row);
    if (exit !== row.exit) process.stderr.write(`${row.name}: exit ${exit}, TESTLIST says ${row.exit}\n`);
    // Rows that share an expected file (the same scenario as pcap and pcapng) must agree.
    if (!written.has(row.expected)) writeFileSync(join(GOLDEN_DIR, 'expected', row.expected), stdout);
    written.add(row.expected);
    process.stdout.write(`${row.name} -> expected/${row.expected}\n`);
  }
}

main();
