// Third-party captures (../shared/corpus) against tshark's answers: the CLI end to end, as the MANIFEST's check says.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../cli-run';
import { SHARED } from '../repo';

const CORPUS = join(SHARED, 'corpus');

interface OracleStation {
  mac: string;
  arp_sent: number;
  max_arp_gap_s: number | null;
  ambiguous?: boolean;
  arp_sent_min?: number;
  arp_sent_max?: number;
}
interface Oracle {
  packets: number;
  stations?: OracleStation[];
}
interface SummaryStation {
  mac: string;
  arp_sent: number;
  max_arp_gap_s: number | null;
}

function run(file: string): CliResult {
  return runCli(['read', '--json', file]);
}

function oracle(name: string): Oracle {
  return JSON.parse(readFileSync(join(CORPUS, 'expected', `${name}.json`), 'utf8')) as Oracle;
}

const present = existsSync(join(CORPUS, 'MANIFEST.md'));
if (!present) console.log(`corpus tests skipped: no corpus at ${CORPUS} (it sits beside the repo as shared/corpus)`);

describe.skipIf(!present)('shared corpus', () => {
  const good = present ? readdirSync(join(CORPUS, 'good')).sort() : [];
  const bad = present ? readdirSync(join(CORPUS, 'bad')).sort() : [];

  for (const name of good) {
    it(`reads good/${name} completely, with tshark's packets and per-station ARP counts and gaps`, () => {
      const r = run(join(CORPUS, 'good', name));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const summary = lines.at(-1) as { type: string; packets: number; stations: SummaryStation[] };
      expect(summary.type).toBe('summary');
      const want = oracle(name);
      expect(summary.packets).toBe(want.packets);
      const stations = new Map(summary.stations.map((s) => [s.mac, s]));
      for (const w of want.stations ?? []) {
        const got = stations.get(w.mac);
        expect(got, `station ${w.mac}`).toBeDefined();
        if (!got) continue;
        if (w.ambiguous) {
          expect(got.arp_sent).toBeGreaterThanOrEqual(w.arp_sent_min ?? w.arp_sent);
          expect(got.arp_sent).toBeLessThanOrEqual(w.arp_sent_max ?? w.arp_sent);
        } else {
          expect(got.arp_sent, `arp_sent of ${w.mac}`).toBe(w.arp_sent);
          if (w.max_arp_gap_s === null) expect(got.max_arp_gap_s).toBeNull();
          else expect(Math.abs((got.max_arp_gap_s ?? NaN) - w.max_arp_gap_s), `max_arp_gap_s of ${w.mac}`).toBeLessThanOrEqual(0.001);
        }
      }
      expect(summary.stations.length).toBe((want.stations ?? []).length);
    });
  }

  for (const name of bad) {
    it(`stops on bad/${name} with exit 2, one error line, and valid NDJSON before it`, () => {
      const r = run(join(CORPUS, 'bad', name));
      expect(r.status).toBe(2);
      const errLines = r.stderr.split('\n').filter((l) => l !== '');
      expect(errLines).toHaveLength(1);
      expect(errLines[0]).toContain(name);
      expect(errLines[0]).toMatch(/byte \d+/);
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();
      expect((JSON.parse(lines.at(-1) ?? '{}') as { type?: string }).type).toBe('summary');
    });
  }
});
