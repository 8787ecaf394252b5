// Engine end to end on crafted Ethernet bytes (real decoder), decode-reason accounting, and the summary.

import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/frame';
import { LINKTYPE, MAX_INTERFACES_PER_INPUT } from '../../src/frame';
import { DECODE_REASONS, type DecodedFrame } from '../../src/decode/decoded-frame';
import { Engine } from '../../src/detect/engine';
import { arp, engine, GUEST, GUEST_IP, GUEST_TEXT, udp } from './facts';
import { frameAt } from './traffic';

const T0 = 1_700_000_000;

/** Bytes from a hex string with spaces for reading. */
function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

/** An Ethernet ARP request (RFC 826): 00:15:5d:0a:00:01 (198.51.100.11) asks for 198.51.100.1. */
const ARP_REQUEST = hex(`
  ffffffffffff 00155d0a0001 0806
  0001 0800 06 04 0001
  00155d0a0001 c633640b
  000000000000 c6336401
`);

/** An Ethernet IPv4 UDP datagram from the same guest (RFC 791, RFC 768), checksum left 0. */
const UDP_FRAME = hex(`
  00005e000101 00155d0a0001 0800
  45 00 001c 0000 4000 40 11 0000 c633640b cb007107
  d6d8 0035 0008 0000
`);

/** An Ethernet frame stamped `t`, with any field overridden (truncation, link type). */
function frameOf(bytes: Buffer, t: number, o: Partial<Frame> = {}): Frame {
  return Object.assign(frameAt(bytes, t), o);
}

/** The same ARP with a protocol length of 2 (not IPv4's 4): tshark still reads its 6-byte sender MAC. */
const ARP_PLEN_2 = hex(`
  ffffffffffff 00155d0a0001 0806
  0001 0800 06 02 0001
  00155d0a0001 c633
  000000000000 c633
`);

describe('Engine', () => {
  it("counts an ARP whose protocol length is not 4 as its sender's ARP (tshark's arp.src.hw_mac), with no IPv4 address", () => {
    const { engine: e } = engine();
    e.handleFrame(frameOf(ARP_PLEN_2, T0));
    e.handleFrame(frameOf(ARP_PLEN_2, T0 + 10));
    const s = e.finish();
    expect(s.reasons['arp-bad-length']).toBe(2);
    expect(s.stations).toMatchObject([{ mac: GUEST_TEXT, arp_sent: 2, ips: [], max_arp_gap_s: 10 }]);
  });

  it('decodes real Ethernet bytes end to end: an ARP makes a station, its frame past +300 s raises the expiry', () => {
    const { engine: e, alerts } = engine();
    e.handleFrame(frameOf(ARP_REQUEST, T0 + 0.25));
    e.handleFrame(frameOf(UDP_FRAME, T0 + 310.25));
    expect(alerts).toStrictEqual([
      {
        ts: T0 + 310.25,
        severity: 'critical',
        kind: 'arp-gap-expired',
        mac: GUEST_TEXT,
        ip: '198.51.100.11',
        gap_s: 310,
        last_arp_ts: T0 + 0.25,
        threshold_s: 300,
        frames_since_arp: 1,
        cause: 'unknown',
        capture_hole_s: 310,
      },
    ]);
    const s = e.finish();
    expect(s).toMatchObject({ packets: 2, malformed: 0, truncated: 0, unsupported_link: 0, first_ts: T0 + 0.25, last_ts: T0 + 310.25 });
    expect(s.stations).toStrictEqual([
      {
        mac: GUEST_TEXT,
        vlans: [],
        ips: ['198.51.100.11'],
        arp_sent: 1,
        frames: 2,
        max_arp_gap_s: null,
        first_seen: T0 + 0.25,
        last_seen: T0 + 310.25,
        first_arp_ts: T0 + 0.25,
        last_arp_ts: T0 + 0.25,
        arp_age_s: 310,
        status: 'expired',
        warnings: 0,
        expiries: 1,
        cause: 'unknown',
        max_talk_age_s: 310,
        cut_off_at_s: [300],
      },
    ]);
  });

  it('keeps snaplen truncation and unsupported link types apart from malformed frames, and counts every reason', () => {
    const { engine: e } = engine();
    // Cut by the snaplen inside the ARP header: not the sender's fault.
    e.handleFrame(frameOf(ARP_REQUEST.subarray(0, 20), T0, { origLen: ARP_REQUEST.length }));
    // Cut inside the Ethernet header while claiming to be whole: a broken frame.
    e.handleFrame(frameOf(ARP_REQUEST.subarray(0, 10), T0 + 1));
    // Hardware type Ethernet with an 8-byte address: a field contradicts its type.
    const badLen = Buffer.from(ARP_REQUEST);
    badLen[18] = 8;
    e.handleFrame(frameOf(badLen, T0 + 2));
    e.handleFrame(frameOf(ARP_REQUEST, T0 + 3, { linkType: 160 }));
    const s = e.finish();
    expect(s).toMatchObject({ packets: 4, truncated: 1, malformed: 2, unsupported_link: 1 });
    const nonZero = Object.entries(s.reasons).filter(([, n]) => n > 0);
    expect(nonZero).toEqual([
      ['truncated-ethernet', 1],
      ['truncated-arp', 1],
      ['arp-bad-length', 1],
      ['unsupported-link-type', 1],
    ]);
    expect(Object.keys(s.reasons)).toEqual([...DECODE_REASONS]);
  });

  it("counts frames of interfaces past the readers' cap under interface-over-cap, with one table-full alert", () => {
    const { engine: e, alerts } = engine();
    for (let i = 0; i < 3; i++) e.handleFrame(frameOf(ARP_REQUEST, T0 + i, { linkType: LINKTYPE.OVER_CAP }));
    const s = e.finish();
    expect(s).toMatchObject({ packets: 3, malformed: 0, unsupported_link: 3 });
    expect(s.reasons['interface-over-cap']).toBe(3);
    expect(s.stations).toEqual([]);
    expect(alerts).toEqual([{ ts: T0, severity: 'warning', kind: 'table-full', table: 'interfaces', limit: MAX_INTERFACES_PER_INPUT }]);
  });

  it('summarises an empty input with nulls, not zeros, for the times', () => {
    const { engine: e } = engine();
    expect(e.finish()).toMatchObject({ packets: 0, first_ts: null, last_ts: null, end_ts: null, ts_backwards: 0, stations: [], evicted: { stations: 0 } });
  });

  it('reports first and last timestamps in input order, and the clock’s end apart from them', () => {
    const { engine: e } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 100);
    e.handleDecoded(udp(GUEST), T0 + 50);
    expect(e.finish()).toMatchObject({ first_ts: T0 + 100, last_ts: T0 + 50, end_ts: T0 + 100, ts_backwards: 1 });
  });

  it('lists stations in the order of their first ARP, with evictions counted', () => {
    const { engine: e, alerts } = engine({ maxStations: 2 });
    for (let i = 0; i < 3; i++) e.handleDecoded(arp(GUEST + i, GUEST_IP + i), T0 + i);
    const s = e.finish();
    expect(s.stations.map((r) => r.mac)).toEqual(['00:15:5d:0a:00:02', '00:15:5d:0a:00:03']);
    expect(s.evicted).toEqual({ addresses: 0, outages: 0, stations: 1, hosts: 0, requests: 0, announcers: 0, blackouts: 0 });
    expect(alerts.map((a) => a.kind)).toEqual(['table-full']);
  });

  it('refuses options that cannot work', () => {
    expect(() => new Engine({ arpWarnS: 300 }, () => {})).toThrow(RangeError);
    expect(() => new Engine({ arpThresholdS: 0 }, () => {})).toThrow(/arpThresholdS/);
    expect(() => new Engine({ maxStations: 0.5 }, () => {})).toThrow(/maxStations/);
  });

  it('reuses one DecodedFrame for every frame', () => {
    const { engine: e } = engine();
    const seen = new Set<DecodedFrame>();
    const spy = e.handleDecoded.bind(e);
    e.handleDecoded = (d) => {
      seen.add(d);
      spy(d);
    };
    for (let i = 0; i < 5; i++) e.handleFrame(frameOf(ARP_REQUEST, T0 + i));
    expect(seen.size).toBe(1);
  });
});
