// Golden tests: each TESTLIST row's capture gives exactly its expected output (do not edit those by hand).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, readTestList, runRow } from './golden';

describe('golden captures', () => {
  for (const row of readTestList()) {
    it(`${row.name}: ${row.fixtures.join(' + ')} ${row.args.join(' ')} gives expected/${row.expected}`, () => {
      const expected = readFileSync(join(GOLDEN_DIR, 'expected', row.expected), 'utf8');
      const { stdout, exit } = runRow(row);
      expect(stdout).toBe(expected);
      expect(exit).toBe(row.exit);
    });
  }
});
