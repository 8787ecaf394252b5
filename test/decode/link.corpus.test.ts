// decodeFrame over every frame of the corpus's classic pcaps, with aggregate counts checked against tshark's.

import { beforeAll, describe, expect, test } from 'vitest';
import { newFrame } from '../../src/frame';
import { DECODE_REASONS, DecodedFrame, L4, TCP_FLAG } from '../../src/decode/decoded-frame';
import { decodeFrame } from '../../src/decode/link';
import { macNumber } from './build';
import type { Oracle } from './corpus';
import { classicMicrosecondPcaps, readOracle, readPcap } from './corpus';

const ICMPV6_NA_SOLICITED = 0x40;

/** tshark's `counts` (corpus MANIFEST.md), each as the same question asked of netgap's facts. */
const COUNTERS: Readonly<Record<string, (out: DecodedFrame) => boolean>> = {
  icmp_echo_request: (o) => o.l4 === L4.ICMP && o.icmpType === 8,
  icmp_echo_reply: (o) => o.l4 === L4.ICMP && o.icmpType === 0,
  icmpv6_echo_request: (o) => o.l4 === L4.ICMPV6 && o.icmpType === 128,
  icmpv6_echo_reply: (o) => o.l4 === L4.ICMPV6 && o.icmpType === 129,
  tcp_syn: (o) => o.l4 === L4.TCP && (o.tcpFlags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === TCP_FLAG.SYN,
  tcp_synack: (o) => o.l4 === L4.TCP && (o.tcpFlags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === (TCP_FLAG.SYN | TCP_FLAG.ACK),
  udp: (o) => o.l4 === L4.UDP,
  icmpv6_ns: (o) => o.l4 === L4.ICMPV6 && o.icmpType === 135 && o.ndTargetOff > 0,
  icmpv6_na: (o) => o.l4 === L4.ICMPV6 && o.icmpType === 136 && o.ndTargetOff > 0,
  icmpv6_na_unsolicited: (o) => o.l4 === L4.ICMPV6 && o.icmpType === 136 && o.ndTargetOff > 0 && (o.ndFlags & ICMPV6_NA_SOLICITED) === 0,
  ipv4: (o) => o.ipVersion === 4,
  ipv6: (o) => o.ipVersion === 6,
  vlan_frames: (o) => o.vlanDepth > 0,
  // tshark's arp.isgratuitous: sender and target protocol address are the same.
  gratuitous_arp: (o) => o.isArp && o.arpSpa >= 0 && o.arpSpa === o.arpTpa,
  // The manifest counts RARP by opcode (3/4), whichever EtherType carried it.
  rarp: (o) => o.isArp && (o.arpOp === 3 || o.arpOp === 4),
};

/** Counts where tshark and netgap answer different questions for a file; each says why. */
const EXCLUDED: Readonly<Record<string, { counts: readonly string[]; why: string }>> = {
  'HDLC.pcap': { counts: ['icmp_echo_request', 'icmp_echo_reply', 'ipv4'], why: 'Cisco HDLC (104) is not a link type netgap decodes' },
  'nflog.pcap': { counts: ['udp', 'ipv4'], why: 'NFLOG (239) is not a link type netgap decodes' },
  'icmp-cksum-oobr-1.pcap': {
    counts: ['udp'],
    why: 'tshark counts the UDP header quoted inside an ICMP port unreachable; netgap decodes the outer transport only',
  },
  'mixed-vlan-mpls.pcap': { counts: ['tcp_syn', 'ipv4'], why: '11 frames are MPLS (0x8847), which netgap does not decode' },
  'trunc_mpls-6in6-broken.pcap.gz': { counts: ['ipv4', 'ipv6'], why: 'the IP packets sit behind MPLS (0x8847), which netgap does not decode' },
};

/**
 * The reasons netgap records on these files; every other file decodes without one. tshark agrees
 * that each of these frames is undecodable or malformed.
 */
const REASONS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'HDLC.pcap': { 'unsupported-link-type': 38 },
  'LINKTYPE_IPV6_invalid.pcap': { 'ipv6-bad-version': 1 },
  'ieee802.11_exthdr.pcap': { 'unsupported-link-type': 26 },
  // A Hop-by-Hop header that runs past the 48-octet snaplen (tshark: "IPv6 Hop-by-Hop truncated").
  'ipv6hdr-heapoverflow.pcap': { 'truncated-ipv6-ext': 1 },
  'nflog.pcap': { 'unsupported-link-type': 4 },
  'ppp_ip_udp_dns.pcap': { 'unsupported-link-type': 1 },
  // Ethernet frames typed IPv4 that hold no IPv4 header (tshark: "Bogus IPv4 version").
  'trunc_mpls-6in6-broken.pcap.gz': { 'ipv4-bad-version': 22 },
  'unsupported-link-type-160.pcap': { 'unsupported-link-type': 1 },
};

interface Tally {
  frames: number;
  counts: Record<string, number>;
  reasons: Record<string, number>;
  /** ARP frames per sender MAC, as the oracle defines a station. */
  arpSent: Map<number, number>;
}

async function tallyFile(file: string): Promise<Tally> {
  const tally: Tally = { frames: 0, counts: {}, reasons: {}, arpSent: new Map() };
  for (const name of Object.keys(COUNTERS)) tally.counts[name] = 0;
  const frame = newFrame();
  const out = new DecodedFrame();
  for (const captured of await readPcap(file)) {
    frame.buf = captured.data;
    frame.capLen = captured.data.length;
    frame.origLen = captured.origLen;
    frame.linkType = captured.linkType;
    decodeFrame(frame, out);
    tally.frames++;
    for (const [name, counts] of Object.entries(COUNTERS)) if (counts(out)) tally.counts[name]!++;
    if (out.reason >= 0) {
      const reason = DECODE_REASONS[out.reason]!;
      tally.reasons[reason] = (tally.reasons[reason] ?? 0) + 1;
    }
    // The oracle's station: opcode 1-4 and a 6-octet sender under hardware type Ethernet or IEEE 802.
    if (out.isArp && out.arpOp >= 1 && out.arpOp <= 4 && out.arpSha >= 0 && (out.arpHtype === 1 || out.arpHtype === 6)) {
      tally.arpSent.set(out.arpSha, (tally.arpSent.get(out.arpSha) ?? 0) + 1);
    }
  }
  return tally;
}

const FILES = classicMicrosecondPcaps();

test('the corpus offers enough classic pcaps for these checks to mean something', () => {
  expect(FILES.length).toBeGreaterThan(30);
});

describe.each(FILES)('%s', (file) => {
  let oracle: Oracle;
  let tally: Tally;
  beforeAll(async () => {
    oracle = readOracle(file);
    tally = await tallyFile(file);
  });

  test('every frame is decoded', () => {
    expect(tally.frames).toBe(oracle.packets);
  });

  test("the protocol counts match tshark's, except where the definitions differ", () => {
    const excluded = EXCLUDED[file]?.counts ?? [];
    for (const name of Object.keys(COUNTERS)) {
      if (excluded.includes(name)) continue;
      expect(tally.counts[name], name).toBe(oracle.counts[name]);
    }
  });

  test('ARP frames per sender MAC match the stations of the oracle', () => {
    const expected = new Map(oracle.stations.map((s) => [macNumber(s.mac), s]));
    expect([...tally.arpSent.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [mac, sent] of tally.arpSent) {
      const station = expected.get(mac)!;
      if (station.ambiguous) {
        expect(sent).toBeGreaterThanOrEqual(station.arp_sent_min!);
        expect(sent).toBeLessThanOrEqual(station.arp_sent_max!);
      } else {
        expect(sent, station.mac).toBe(station.arp_sent);
      }
    }
  });

  test('decoding stops early only where the frame is undecodable or malformed', () => {
    expect(tally.reasons).toEqual(REASONS[file] ?? {});
  });
});
