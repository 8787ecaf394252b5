// arpwatch's station events on hand-built ARP facts: new station, changed MAC, flip-flop, mismatch, rate limits, --ignore, bounded table.

import { describe, expect, it } from 'vitest';
import { EVENT_QUIET_S } from '../../src/detect/station-events';
import { parseIgnoreEntry } from '../../src/detect/ignore';
import { arp, engine, GUEST, GUEST_IP, GUEST_TEXT, ip, kinds, OTHER, ROUTER } from './facts';

const T0 = 1_700_000_000;
const OTHER_TEXT = '00:15:5d:0a:00:02';

describe('station events', () => {
  it('raises no new-station by default (read: every station of a capture is new), and each new address with newStationsAfterS 0', () => {
    const quiet = engine();
    quiet.engine.handleDecoded(arp(GUEST, GUEST_IP), T0);
    expect(quiet.alerts).toEqual([]);
    const { engine: e, alerts } = engine({ newStationsAfterS: 0 });
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 1);
    e.handleDecoded(arp(OTHER, ip('198.51.100.21')), T0 + 2);
    expect(alerts).toStrictEqual([
      { ts: T0, severity: 'info', kind: 'new-station', mac: GUEST_TEXT, ip: '198.51.100.11', suppressed: 0 },
      { ts: T0 + 2, severity: 'info', kind: 'new-station', mac: OTHER_TEXT, ip: '198.51.100.21', suppressed: 0 },
    ]);
  });

  it('raises new-station only for addresses first claimed after the learning period (live)', () => {
    const { engine: e, alerts } = engine({ newStationsAfterS: 1200 });
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    e.handleDecoded(arp(OTHER, ip('198.51.100.21')), T0 + 1199);
    e.handleDecoded(arp(ROUTER, ip('198.51.100.1')), T0 + 1200);
    expect(kinds(alerts)).toEqual([['new-station', T0 + 1200]]);
  });

  it('raises changed-mac when another MAC claims an address, and flip-flop when it goes back', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    e.handleDecoded(arp(OTHER, GUEST_IP), T0 + 10);
    e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 20);
    expect(alerts).toStrictEqual([
      { ts: T0 + 10, severity: 'warning', kind: 'changed-mac', mac: OTHER_TEXT, ip: '198.51.100.11', suppressed: 0, old_mac: GUEST_TEXT },
      { ts: T0 + 20, severity: 'warning', kind: 'flip-flop', mac: GUEST_TEXT, ip: '198.51.100.11', suppressed: 0, old_mac: OTHER_TEXT },
    ]);
  });

  it('rate-limits per address and kind, counting what it left out, so that a flip-flopping pair does not hide another change', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    e.handleDecoded(arp(OTHER, GUEST_IP), T0 + 1);
    for (let k = 2; k < 50; k++) {
      e.handleDecoded(arp(k % 2 === 0 ? GUEST : OTHER, GUEST_IP), T0 + k);
      // Another address changes in the middle of the noise: it is said at once.
      if (k === 20) e.handleDecoded(arp(ROUTER, ip('198.51.100.2')), T0 + 20);
      if (k === 21) e.handleDecoded(arp(OTHER, ip('198.51.100.2')), T0 + 21);
    }
    e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 2 + EVENT_QUIET_S);
    expect(alerts.filter((a) => a.kind !== 'network-change').map((a) => [a.kind, a.ts - T0, a.ip, 'suppressed' in a ? a.suppressed : -1])).toEqual([
      ['changed-mac', 1, '198.51.100.11', 0],
      ['flip-flop', 2, '198.51.100.11', 0],
      ['changed-mac', 21, '198.51.100.2', 0],
      ['flip-flop', 2 + EVENT_QUIET_S, '198.51.100.11', 47],
    ]);
  });

  it('raises mac-mismatch when the Ethernet source is not the ARP sender, once per sender and quiet period', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP, { linkSrc: ROUTER }), T0);
    e.handleDecoded(arp(GUEST, GUEST_IP, { linkSrc: ROUTER }), T0 + 1);
    expect(alerts).toStrictEqual([
      { ts: T0, severity: 'info', kind: 'mac-mismatch', mac: GUEST_TEXT, ip: '198.51.100.11', eth_src: '00:00:5e:00:01:01', suppressed: 0 },
    ]);
  });

  it('drops every alert about an ignored MAC, address or network', () => {
    for (const ignore of [[OTHER_TEXT], ['198.51.100.11'], ['198.51.100.0/24'], ['00-15-5D-0A-00-02']]) {
      const { engine: e, alerts } = engine({ ignore });
      e.handleDecoded(arp(GUEST, GUEST_IP), T0);
      e.handleDecoded(arp(OTHER, GUEST_IP), T0 + 10);
      expect(alerts).toEqual([]);
      expect(e.finish().alerts).toEqual({ info: 0, warning: 0, critical: 0 });
    }
    expect(parseIgnoreEntry('198.51.100.7/33')).toBeNull();
    expect(parseIgnoreEntry('router')).toBeNull();
    expect(() => engine({ ignore: ['nonsense'] })).toThrow(RangeError);
  });

  it('keeps its address table at its cap, counting and alerting what it evicted', () => {
    const { engine: e, alerts } = engine({ maxHosts: 4 });
    for (let k = 0; k < 10; k++) e.handleDecoded(arp(GUEST + k, ip('198.51.100.11') + k), T0 + k);
    expect(kinds(alerts)).toEqual([['table-full', T0 + 4]]);
    expect(alerts[0]).toMatchObject({ table: 'addresses', limit: 4 });
    expect(e.finish().evicted.addresses).toBe(6);
  });
});
