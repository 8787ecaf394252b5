// pktmon + etl2pcapng captures (one IDB per component, each packet once per component with its epb_packetid, drops as XDP_DROP verdicts): analysed once, copies and drops counted.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ETL2PCAPNG_IDB_SNAPLEN, PKTMON_COMPONENTS, PKTMON_SNAPLEN } from '../../../fixtures/pktmon';
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
    // Two drops: an ARP dropped where it was first logged, and one packet's copy at the last
    // component (a drop of a packet that passed the others counts as a drop, not as a copy).
    expect(summary.verdict_drops).toBe(2);
    expect(summary.duplicates).toBe(packets * (PKTMON_COMPONENTS.length - 1) - 1);
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

const hasTshark = spawnSync('sh', ['-c', 'command -v tshark'], { stdio: 'ignore' }).status === 0;
if (!hasTshark) console.log('skipped: tshark is not installed (apt-get install tshark): the fixture is not checked against Wireshark');

describe.skipIf(!hasTshark)('the generated pktmon capture, as Wireshark reads it', () => {
  it('holds what etl2pcapng writes: per-component interfaces with a 65535 snaplen, at most 128 bytes of each packet, its packet id on every copy, drops as XDP_DROP', () => {
    const fields = ['frame.interface_name', 'frame.packet_id', 'frame.verdict.ebpf_xdp', 'frame.cap_len', 'frame.len'];
    const r = spawnSync('tshark', ['-r', join(FIXTURES, 'pktmon-mix.pcapng'), '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.slice(0, 3).map(([name, id]) => [name, id])).toStrictEqual(PKTMON_COMPONENTS.map((name) => [name, '1']));
    expect(rows.filter((row) => row[2] === '1').map(([name, id]) => [name, id])).toStrictEqual([
      [PKTMON_COMPONENTS[0], '1000000'],
      [PKTMON_COMPONENTS[2], '200'],
    ]);
    // Captured: the first 128 bytes (pktmon's --pkt-size); the original length stays the packet's.
    expect(rows.every((row) => Number(row[3]) === Math.min(Number(row[4]), PKTMON_SNAPLEN))).toBe(true);
    // capinfos comes with tshark (wireshark-common).
    const idbs = spawnSync('capinfos', ['-I', join(FIXTURES, 'pktmon-mix.pcapng')], { encoding: 'utf8' });
    expect(idbs.status, idbs.stderr).toBe(0);
    expect(idbs.stdout.match(/Capture length = \d+/g)).toStrictEqual(PKTMON_COMPONENTS.map(() => `Capture length = ${ETL2PCAPNG_IDB_SNAPLEN}`));
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
      // The one packet dropped at this component is not analysed here.
      expect([s.packets, s.duplicates, s.verdict_drops]).toStrictEqual([(all.at(-1)!.packets as number) - 1, 0, 1]);
      expect(s.interfaces).toStrictEqual([{ name: PKTMON_COMPONENTS[2], frames: all.at(-1)!.packets }]);
    }
  });
});
