// pktmon + etl2pcapng captures (one IDB per component, each packet once per component with its epb_packetid): analysed once, copies and drops counted.

import { describe, expect, it } from 'vitest';
import { PKTMON_COMPONENTS, PKTMON_SNAPLEN } from '../../../fixtures/pktmon';
import { runCli } from '../../cli-run';
import { FIXTURES } from '../../repo';
import { join } from 'node:path';

const lines = (ndjson: string): Record<string, unknown>[] =>
  ndjson
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('a pktmon capture of the demo traffic', () => {
  const plain = lines(runCli(['read', '--json', join(FIXTURES, 'hyperv-mix.pcap')]).stdout);
  const pktmon = lines(runCli(['read', '--json', join(FIXTURES, 'pktmon-mix.pcapng')]).stdout);
  const summary = pktmon.at(-1)!;

  it('gives the same alerts as the plain capture of the same traffic', () => {
    expect(pktmon.filter((l) => l.type === 'alert')).toStrictEqual(plain.filter((l) => l.type === 'alert'));
    expect(pktmon.filter((l) => l.type === 'alert').length).toBeGreaterThan(0);
  });

  it('analyses each packet once, counts the copies, leaves the dropped packet out, and names the components', () => {
    const packets = plain.at(-1)!.packets as number;
    expect(summary.packets).toBe(packets);
    expect(summary.duplicates).toBe(packets * (PKTMON_COMPONENTS.length - 1));
    expect(summary.verdict_drops).toBe(1);
    // The dropped ARP came from a MAC seen nowhere else: it made no station.
    expect((summary.stations as { mac: string }[]).map((s) => s.mac)).not.toContain('00:15:5d:ff:00:01');
    expect(summary.stations).toStrictEqual(plain.at(-1)!.stations);
    expect(summary.interfaces).toStrictEqual(PKTMON_COMPONENTS.map((name, i) => ({ name, frames: packets + (i === 0 ? 1 : 0) })));
    expect(PKTMON_SNAPLEN).toBe(128);
  });

  it('a plain capture has no copies, no drops and no interfaces list', () => {
    const s = plain.at(-1)!;
    expect([s.duplicates, s.verdict_drops, 'interfaces' in s]).toStrictEqual([0, 0, false]);
  });
});

describe('--interface-filter', () => {
  it('analyses one component, by name or by interface id: the same alerts (its copies are 2 µs later), no copies, only that interface listed', () => {
    const what = (ls: Record<string, unknown>[]): unknown[] => ls.filter((l) => l.type === 'alert').map((l) => [l.kind, l.severity, l.mac, l.ip]);
    const all = lines(runCli(['read', '--json', join(FIXTURES, 'pktmon-mix.pcapng')]).stdout);
    for (const filter of ['virtual ethernet', '2']) {
      const one = lines(runCli(['read', '--json', '--interface-filter', filter, join(FIXTURES, 'pktmon-mix.pcapng')]).stdout);
      expect(what(one)).toStrictEqual(what(all));
      const s = one.at(-1)!;
      expect([s.packets, s.duplicates, s.verdict_drops]).toStrictEqual([all.at(-1)!.packets, 0, 0]);
      expect(s.interfaces).toStrictEqual([{ name: PKTMON_COMPONENTS[2], frames: all.at(-1)!.packets }]);
    }
  });
});
