// The station table's snapshot: read from the engine at the packet clock, sorted by each key, filtered by text.

import { describe, expect, it } from 'vitest';
import { stationRows, TextCache } from '../../../src/output/dashboard/rows';
import { arp, engine, GUEST, ip, OTHER, ROUTER, udp } from '../../detect/facts';

const T0 = 1_700_000_000;

/** Three stations at T0 + 400: GUEST expired (ARP at 0, talking at 350), OTHER ok (ARPs at 0 and 390), ROUTER silent (ARP at 100, VLAN 42). */
function table() {
  const { engine: e } = engine();
  e.handleDecoded(arp(GUEST, ip('198.51.100.11')), T0);
  e.handleDecoded(arp(OTHER, ip('198.51.100.20')), T0);
  e.handleDecoded(arp(ROUTER, ip('198.51.100.1'), { vlan: 42 }), T0 + 100);
  e.handleDecoded(udp(GUEST), T0 + 350);
  e.handleDecoded(arp(OTHER, ip('198.51.100.21')), T0 + 390);
  e.tick(T0 + 400);
  return e;
}

const macs = (rows: ReturnType<typeof stationRows>): number[] => rows.map((r) => r.station.mac);

describe('stationRows', () => {
  it('reads each station at the packet clock: its ARP age and state as the summary would give them; silent ones after the talking', () => {
    const e = table();
    const rows = stationRows(e, e.clock.now, new TextCache(), 'age', false, '');
    expect(rows.map((r) => [r.station.mac, r.gap.arp_age_s, r.gap.status])).toStrictEqual([
      [GUEST, 400, 'expired'],
      [OTHER, 10, 'ok'],
      [ROUTER, 300, 'silent'],
    ]);
    const summary = e.finish().stations;
    for (const r of rows) expect(summary.find((s) => s.last_arp_ts === r.station.lastArpTs && s.arp_sent === r.station.arpSent)?.status).toBe(r.gap.status);
  });

  it('sorts by each key, the worst or largest first (MAC and IP ascending), and reverses on request', () => {
    const e = table();
    const t = new TextCache();
    expect(macs(stationRows(e, e.clock.now, t, 'mac', false, ''))).toStrictEqual([ROUTER, GUEST, OTHER]);
    expect(macs(stationRows(e, e.clock.now, t, 'mac', true, ''))).toStrictEqual([OTHER, GUEST, ROUTER]);
    expect(macs(stationRows(e, e.clock.now, t, 'ip', false, ''))).toStrictEqual([ROUTER, GUEST, OTHER]);
    expect(macs(stationRows(e, e.clock.now, t, 'arps', false, ''))).toStrictEqual([OTHER, GUEST, ROUTER]);
    expect(macs(stationRows(e, e.clock.now, t, 'gap', false, ''))).toStrictEqual([OTHER, GUEST, ROUTER]);
    // A silent station had nothing at risk: below ok.
    expect(macs(stationRows(e, e.clock.now, t, 'state', false, ''))).toStrictEqual([GUEST, OTHER, ROUTER]);
  });

  it('filters on MAC, vendor, IP, vlanN, state and cause, ignoring case', () => {
    const e = table();
    const t = new TextCache();
    expect(macs(stationRows(e, e.clock.now, t, 'age', false, '00:15:5D:0A:00:02'))).toStrictEqual([OTHER]);
    expect(macs(stationRows(e, e.clock.now, t, 'age', false, 'hyper-v'))).toStrictEqual([GUEST, OTHER]);
    expect(macs(stationRows(e, e.clock.now, t, 'age', false, '198.51.100.21'))).toStrictEqual([OTHER]);
    expect(macs(stationRows(e, e.clock.now, t, 'age', false, 'vlan42'))).toStrictEqual([ROUTER]);
    expect(macs(stationRows(e, e.clock.now, t, 'age', false, 'silent'))).toStrictEqual([ROUTER]);
    expect(macs(stationRows(e, e.clock.now, t, 'age', false, 'unknown'))).toStrictEqual([GUEST]);
  });
});

it("makes a station's text once, and again when it claims a new IP or VLAN", () => {
  const e = table();
  const t = new TextCache();
  const other = e.stations.get(OTHER)!;
  const first = t.of(other);
  expect(first).toMatchObject({ mac: '00:15:5d:0a:00:02', vendor: 'Microsoft (Hyper-V)', ips: ['198.51.100.20', '198.51.100.21'], vlans: '' });
  expect(t.of(other)).toBe(first);
  e.handleDecoded(arp(OTHER, ip('198.51.100.22'), { vlan: 7 }), T0 + 401);
  expect(t.of(other)).toMatchObject({ ips: ['198.51.100.20', '198.51.100.21', '198.51.100.22'], vlans: '7' });
});
