// Station table: the oracle's station rule, file-order ARP statistics, cap, second-chance eviction, one table-full alert.

import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/detect/alerts';
import type { Station } from '../../src/detect/stations';
import { PacketClock } from '../../src/detect/clock';
import type { DecodedFrame } from '../../src/decode/decoded-frame';
import { ARP_INTERVAL_RING, isArpSender, STATION_MAX_IPS, StationTable } from '../../src/detect/stations';
import { arp, engine, GUEST, GUEST_IP, GUEST_TEXT, ip, OTHER, ROUTER, udp } from './facts';

describe('isArpSender', () => {
  it('makes a station of an ARP or RARP sender with a 6-byte Ethernet or IEEE 802 address and opcode 1-4', () => {
    expect(isArpSender(arp(GUEST, GUEST_IP))).toBe(true);
    expect(isArpSender(arp(GUEST, GUEST_IP, { op: 2 }))).toBe(true);
    expect(isArpSender(arp(GUEST, 0, { op: 3 }))).toBe(true);
    expect(isArpSender(arp(GUEST, GUEST_IP, { op: 4 }))).toBe(true);
    expect(isArpSender(arp(GUEST, GUEST_IP, { htype: 6 }))).toBe(true);
  });

  it('makes no station of other hardware types, other address lengths, other opcodes or non-ARP frames', () => {
    expect(isArpSender(arp(GUEST, GUEST_IP, { htype: 15 }))).toBe(false);
    expect(isArpSender(arp(GUEST, GUEST_IP, { hlen: 8 }))).toBe(false);
    expect(isArpSender(arp(GUEST, GUEST_IP, { op: 8 }))).toBe(false);
    expect(isArpSender(arp(GUEST, GUEST_IP, { op: 0 }))).toBe(false);
    expect(isArpSender(udp(GUEST))).toBe(false);
  });
});

describe('Station statistics (through the engine)', () => {
  it('takes max_arp_gap_s in file order from each frame’s own timestamp, even when time goes backwards', () => {
    const { engine: e } = engine();
    for (const t of [1000, 1010, 990, 1400, 1401]) e.handleDecoded(arp(GUEST, GUEST_IP), t);
    const [s] = e.finish().stations;
    // File-order differences: 10, -20, 410, 1. The oracle's definition, not the clock's.
    expect(s!.max_arp_gap_s).toBe(410);
    expect(s!.arp_sent).toBe(5);
    expect([s!.first_arp_ts, s!.last_arp_ts]).toEqual([1000, 1401]);
  });

  it('reports no max_arp_gap_s below two ARPs, and a negative one when the only gap goes backwards', () => {
    const { engine: one } = engine();
    one.handleDecoded(arp(GUEST, GUEST_IP), 1000);
    expect(one.finish().stations[0]!.max_arp_gap_s).toBeNull();
    const { engine: two } = engine();
    two.handleDecoded(arp(GUEST, GUEST_IP), 1000);
    two.handleDecoded(arp(GUEST, GUEST_IP), 990);
    expect(two.finish().stations[0]!.max_arp_gap_s).toBe(-10);
  });

  it('records the IPv4s a station claims, without 0.0.0.0 probes, capped', () => {
    const { engine: e } = engine();
    e.handleDecoded(arp(GUEST, 0), 1);
    e.handleDecoded(arp(GUEST, GUEST_IP), 2);
    e.handleDecoded(arp(GUEST, GUEST_IP), 3);
    for (let i = 1; i <= 20; i++) e.handleDecoded(arp(OTHER, ip(`10.0.0.${i}`)), 10 + i);
    const [guest, other] = e.finish().stations;
    expect(guest!.ips).toEqual(['198.51.100.11']);
    expect(other!.ips).toHaveLength(STATION_MAX_IPS);
    expect(other!.ips[0]).toBe('10.0.0.1');
  });

  it('records the outer VLANs of a station’s frames, untagged frames adding none', () => {
    const { engine: e } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP, { vlan: 42 }), 1);
    e.handleDecoded(udp(GUEST), 2);
    e.handleDecoded(udp(GUEST, { vlan: 7 }), 3);
    e.handleDecoded(udp(GUEST, { vlan: 42 }), 4);
    expect(e.finish().stations[0]!.vlans).toEqual([42, 7]);
  });

  it('counts frames from a MAC only once it has ARPed, its ARPs included', () => {
    const { engine: e } = engine();
    e.handleDecoded(udp(GUEST), 1);
    e.handleDecoded(arp(GUEST, GUEST_IP), 2);
    e.handleDecoded(udp(GUEST), 3);
    e.handleDecoded(udp(OTHER), 4);
    const rows = e.finish().stations;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ mac: GUEST_TEXT, arp_sent: 1, frames: 2, first_seen: 2, last_seen: 3 });
  });

  it('credits an ARP to its sender address and the frame to its link-layer source (proxy ARP)', () => {
    const { engine: e } = engine();
    e.handleDecoded(arp(ROUTER, ip('198.51.100.1')), 1);
    e.handleDecoded(arp(GUEST, GUEST_IP, { linkSrc: ROUTER }), 2);
    const [router, guest] = e.finish().stations;
    expect(router).toMatchObject({ arp_sent: 1, frames: 2 });
    expect(guest).toMatchObject({ arp_sent: 1, frames: 0 });
  });
});

describe('StationTable', () => {
  const clocks = new WeakMap<StationTable, PacketClock>();
  /** `evicted` lists the MACs evicted, read when told: the table reuses the object afterwards. */
  function table(max: number): { t: StationTable; alerts: Alert[]; evicted: number[] } {
    const alerts: Alert[] = [];
    const evicted: number[] = [];
    const clock = new PacketClock();
    const t = new StationTable(
      max,
      clock,
      (a) => alerts.push(a),
      (s) => evicted.push(s.mac),
    );
    clocks.set(t, clock);
    return { t, alerts, evicted };
  }
  /** The ARP `d`, stamped and handled at packet time `now`. */
  function arpAt(t: StationTable, d: DecodedFrame, now: number): Station {
    clocks.get(t)!.advance(now);
    d.ts = now;
    return t.arp(d);
  }
  /** The frame `d` from `st`, handled at packet time `now`. */
  function frameAt(t: StationTable, st: Station, d: DecodedFrame, now: number): void {
    clocks.get(t)!.advance(now);
    d.ts = now;
    t.frame(st, d);
  }

  it('evicts beyond its cap, counts evictions, and raises table-full once, at the packet time of the first', () => {
    const { t, alerts, evicted } = table(2);
    arpAt(t, arp(1, 0), 10);
    arpAt(t, arp(2, 0), 11);
    expect(alerts).toEqual([]);
    arpAt(t, arp(3, 0), 12);
    arpAt(t, arp(4, 0), 13);
    expect(t.size).toBe(2);
    expect(t.evicted).toBe(2);
    expect(evicted).toEqual([1, 2]);
    expect(alerts).toEqual([{ ts: 12, severity: 'warning', kind: 'table-full', table: 'stations', limit: 2 }]);
  });

  it('gives a station that keeps talking a second chance over one that went quiet', () => {
    const { t, evicted } = table(3);
    const busy = arpAt(t, arp(1, 0), 1);
    arpAt(t, arp(2, 0), 2);
    arpAt(t, arp(3, 0), 3);
    frameAt(t, busy, udp(1), 4);
    frameAt(t, busy, udp(1), 5);
    arpAt(t, arp(4, 0), 6);
    expect(evicted).toEqual([2]);
    expect(t.get(1)).toBe(busy);
    expect([...t.byMac.keys()].sort()).toEqual([1, 3, 4]);
  });

  it('stays at its cap under a flood of new MACs, keeping the one station that talks throughout', () => {
    const { t } = table(100);
    const guest = arpAt(t, arp(GUEST, GUEST_IP), 0);
    for (let i = 0; i < 10_000; i++) {
      arpAt(t, arp(0x020000000000 + i, 0), i);
      frameAt(t, guest, udp(GUEST), i);
    }
    expect(t.size).toBe(100);
    expect(t.get(GUEST)).toBe(guest);
    expect(t.evicted).toBe(10_000 + 1 - 100);
  });

  it('hands an evicted station’s object to the next new MAC as a new station, with nothing left of the old one', () => {
    /** What a reader of a station sees. */
    const seen = (st: Station) => ({
      mac: st.mac,
      seq: st.seq,
      vlans: [...st.vlans],
      ips: [...st.ips],
      lastIp: st.lastIp,
      arpSent: st.arpSent,
      frames: st.frames,
      firstSeenS: st.firstSeenS,
      lastSeenS: st.lastSeenS,
      firstArpTs: st.firstArpTs,
      lastArpTs: st.lastArpTs,
      maxArpGapS: st.maxArpGapS,
      arpGap: st.arpGap.length,
      referenced: st.referenced,
      intervals: st.recentArpIntervals(),
    });
    const { t } = table(1);
    const old = arpAt(t, arp(GUEST, GUEST_IP, { vlan: 42 }), 10);
    arpAt(t, arp(GUEST, ip('198.51.100.99'), { vlan: 43 }), 20);
    frameAt(t, old, udp(GUEST, { vlan: 42 }), 21);
    frameAt(t, old, udp(GUEST, { vlan: 42 }), 22);
    // A second-chance bit only delays the eviction by one pass of the hand.
    const fresh = arpAt(t, arp(OTHER, ip('198.51.100.12')), 30);
    expect(fresh).toBe(old);
    // The same new station in a table with room: made by the constructor.
    const { t: expected } = table(2);
    arpAt(expected, arp(GUEST, GUEST_IP), 0); // takes seq 0, as in `t`
    expect(seen(fresh)).toEqual(seen(arpAt(expected, arp(OTHER, ip('198.51.100.12')), 30)));
  });

  it('keeps the last ARP_INTERVAL_RING ARP intervals, oldest first', () => {
    const { t } = table(10);
    let ts = 0;
    let st = arpAt(t, arp(GUEST, GUEST_IP), ts);
    expect(st.recentArpIntervals()).toEqual([]);
    for (let i = 1; i <= ARP_INTERVAL_RING + 5; i++) {
      ts += i;
      st = arpAt(t, arp(GUEST, GUEST_IP), ts);
    }
    const ring = st.recentArpIntervals();
    expect(ring).toHaveLength(ARP_INTERVAL_RING);
    expect(ring[0]).toBe(6);
    expect(ring.at(-1)).toBe(ARP_INTERVAL_RING + 5);
  });
});
