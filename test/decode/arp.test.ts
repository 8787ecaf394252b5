import { describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import type { DecodeReason } from '../../src/decode/decoded-frame';
import { ARP_FIXED_LEN, decodeArp, decodeRarp } from '../../src/decode/arp';
import { ETH_HLEN } from '../../src/decode/ethernet';
import { ETHERTYPE } from '../../src/decode/ethertype';
import {
  BROADCAST,
  MAC_A,
  MAC_B,
  arp,
  bytes,
  decodeBytes,
  ethernet,
  expectTruncatedAtEveryLength,
  ip4,
  ip4Number,
  mac,
  macNumber,
  reasonOf,
  run,
  vlanTag,
} from './build';

/** An Ethernet/IPv4 ARP packet: 8 fixed octets + 2 * 6 + 2 * 4. */
const ARP_ETH_IPV4_LEN = 28;
const ZERO_MAC = '00:00:00:00:00:00';

describe('decodeArp', () => {
  test('a packet cut inside the 8 fixed octets is truncated-arp and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeArp, arp({ op: 1 }), ARP_FIXED_LEN, 'truncated-arp');
  });

  test('a request (who-has) gives every fixed field, the four offsets and the addresses as numbers', () => {
    const packet = arp({ op: 1, sha: mac(MAC_A), spa: ip4('192.0.2.10'), tha: mac(ZERO_MAC), tpa: ip4('203.0.113.200') });
    const { next, out } = run(decodeArp, packet);
    expect(next).toBe(ARP_ETH_IPV4_LEN);
    expect(out.reason).toBe(-1);
    expect(out).toMatchObject({
      isArp: true,
      isRarp: false,
      arpHtype: 1,
      arpPtype: 0x0800,
      arpHlen: 6,
      arpPlen: 4,
      arpOp: 1,
      arpShaOff: 8,
      arpSpaOff: 14,
      arpThaOff: 18,
      arpTpaOff: 24,
      arpSha: macNumber(MAC_A),
      arpSpa: ip4Number('192.0.2.10'),
      arpTha: 0,
      arpTpa: ip4Number('203.0.113.200'), // above 2^31: read unsigned
    });
  });

  test('a reply (is-at) names both stations', () => {
    const { out } = run(decodeArp, arp({ op: 2, sha: mac(MAC_B), spa: ip4('192.0.2.11'), tha: mac(MAC_A), tpa: ip4('192.0.2.10') }));
    expect(out).toMatchObject({ arpOp: 2, arpSha: macNumber(MAC_B), arpTha: macNumber(MAC_A), arpSpa: ip4Number('192.0.2.11') });
  });

  test('gratuitous ARP, probe and announcement keep the addresses that tell them apart (RFC 5227)', () => {
    const gratuitousReply = run(decodeArp, arp({ op: 2, spa: ip4('192.0.2.10'), tha: mac(BROADCAST), tpa: ip4('192.0.2.10') })).out;
    expect(gratuitousReply.arpSpa).toBe(gratuitousReply.arpTpa);
    expect(gratuitousReply.arpTha).toBe(macNumber(BROADCAST));
    const probe = run(decodeArp, arp({ op: 1, spa: ip4('0.0.0.0'), tpa: ip4('192.0.2.10') })).out;
    expect([probe.arpSpa, probe.arpTpa]).toEqual([0, ip4Number('192.0.2.10')]);
    const announcement = run(decodeArp, arp({ op: 1, spa: ip4('192.0.2.10'), tha: mac(ZERO_MAC), tpa: ip4('192.0.2.10') })).out;
    expect([announcement.arpOp, announcement.arpSpa, announcement.arpTpa, announcement.arpTha]).toEqual([
      1,
      ip4Number('192.0.2.10'),
      ip4Number('192.0.2.10'),
      0,
    ]);
  });

  test('RARP (EtherType 0x8035, RFC 903) has the same layout and is flagged isRarp', () => {
    const request = decodeBytes(
      LINKTYPE.ETHERNET,
      ethernet(ETHERTYPE.RARP, arp({ op: 3, sha: mac(MAC_A), tha: mac(MAC_A), spa: ip4('0.0.0.0'), tpa: ip4('0.0.0.0') }), BROADCAST),
    );
    expect(request).toMatchObject({ reason: -1, isArp: true, isRarp: true, arpOp: 3, arpSha: macNumber(MAC_A), arpSpa: 0 });
    const reply = run(decodeRarp, arp({ op: 4, sha: mac(MAC_B), tha: mac(MAC_A), tpa: ip4('192.0.2.10') })).out;
    expect(reply).toMatchObject({ isRarp: true, arpOp: 4, arpTha: macNumber(MAC_A), arpTpa: ip4Number('192.0.2.10') });
  });

  test('ARP behind an 802.1Q tag and behind Ethernet padding decodes the same, returning the end of the ARP packet', () => {
    const padded = bytes(ethernet(ETHERTYPE.VLAN, bytes(vlanTag(123, ETHERTYPE.ARP), arp({ op: 1 }))), new Array<number>(14).fill(0xee));
    const out = decodeBytes(LINKTYPE.ETHERNET, padded);
    expect(out).toMatchObject({ reason: -1, vlan: 123, isArp: true, arpSha: macNumber(MAC_A), arpShaOff: ETH_HLEN + 4 + 8 });
  });

  test('a packet cut among its addresses is truncated-arp and keeps the fixed fields and every whole address', () => {
    const packet = arp({ op: 1, sha: mac(MAC_A), spa: ip4('192.0.2.10'), tha: mac(MAC_B), tpa: ip4('192.0.2.11') });
    for (let len = ARP_FIXED_LEN; len < ARP_ETH_IPV4_LEN; len++) {
      const cut = Buffer.from(packet.subarray(0, len));
      const { next, out } = run(decodeArp, cut);
      expect(next, `length ${len}`).toBeLessThan(0);
      expect(reasonOf(out), `length ${len}`).toBe('truncated-arp');
      expect(out, `length ${len}`).toMatchObject({ isArp: true, arpOp: 1, arpHlen: 6, arpPlen: 4 });
      expect(out.arpSha, `length ${len}`).toBe(len >= 14 ? macNumber(MAC_A) : -1);
      expect(out.arpSpa, `length ${len}`).toBe(len >= 18 ? ip4Number('192.0.2.10') : -1);
      expect(out.arpTha, `length ${len}`).toBe(len >= 24 ? macNumber(MAC_B) : -1);
      expect(out.arpTpa, `length ${len}`).toBe(-1);
      expect(out.arpTpaOff, `length ${len}`).toBe(0);
    }
  });

  test('another hardware type with 6-octet addresses (IEEE 802) still gives the MACs as numbers', () => {
    expect(run(decodeArp, arp({ op: 1, htype: 6 })).out).toMatchObject({ reason: -1, arpHtype: 6, arpSha: macNumber(MAC_A) });
  });

  test('addresses of other lengths and protocols get offsets but no numbers', () => {
    // An InfiniBand-style 20-octet hardware address with 16-octet IPv6-style protocol addresses.
    const hw = new Array<number>(20).fill(0xab);
    const proto = new Array<number>(16).fill(0xcd);
    const { next, out } = run(decodeArp, arp({ op: 1, htype: 32, ptype: 0x86dd, sha: hw, spa: proto, tha: hw, tpa: proto }));
    expect(next).toBe(8 + 2 * 20 + 2 * 16);
    expect(out).toMatchObject({ reason: -1, arpShaOff: 8, arpSpaOff: 28, arpThaOff: 44, arpTpaOff: 64 });
    expect([out.arpSha, out.arpSpa, out.arpTha, out.arpTpa]).toEqual([-1, -1, -1, -1]);
  });

  test.each([
    ['Ethernet hardware with an 8-octet address', { htype: 1, hlen: 8 }],
    ['IEEE 802 hardware with a 0-octet address', { htype: 6, hlen: 0 }],
  ])('%s is arp-bad-length: the fixed fields are kept, no address is read', (_name, fields) => {
    const { next, out } = run(decodeArp, arp({ op: 1, ...fields }));
    expect(next).toBeLessThan(0);
    expect(reasonOf(out)).toBe('arp-bad-length');
    expect(out.isArp).toBe(true);
    expect([out.arpShaOff, out.arpSha, out.arpSpa]).toEqual([0, -1, -1]);
  });

  test.each([2, 16, 0])(
    'IPv4 with a %i-octet address is arp-bad-length, but its 6-octet sender MAC is read as tshark reads it; the IPv4 fields stay unknown',
    (plen) => {
      const addr = new Array<number>(plen).fill(0xc0);
      const { next, out } = run(decodeArp, arp({ op: 2, ptype: 0x0800, plen, spa: addr, tpa: addr }));
      expect(next).toBeLessThan(0);
      expect(reasonOf(out)).toBe('arp-bad-length');
      expect([out.arpShaOff, out.arpHlen, out.arpOp]).toEqual([8, 6, 2]);
      expect(out.arpSha).toBeGreaterThanOrEqual(0);
      expect([out.arpSpa, out.arpTpa]).toEqual([-1, -1]);
    },
  );
});

/** Crashers stay forever, each named after what broke (tcpdump's arp-oobr). */
const CRASHERS: { name: string; frame: Buffer; reason: DecodeReason }[] = [
  {
    // 8 + 2 * 255 + 2 * 4 = 526 octets claimed in a 42-octet frame; a uint8 sum wraps to 14.
    name: 'arp-hlen-255',
    frame: ethernet(ETHERTYPE.ARP, bytes([0x00, 0x20], [0x08, 0x00], [255, 4], [0, 1], mac(MAC_A), ip4('192.0.2.10'), new Array<number>(10).fill(0))),
    reason: 'truncated-arp',
  },
  {
    name: 'arp-hlen-255-ethernet',
    frame: ethernet(ETHERTYPE.ARP, bytes([0x00, 0x01], [0x08, 0x00], [255, 4], [0, 1], new Array<number>(20).fill(0))),
    reason: 'arp-bad-length',
  },
  {
    name: 'arp-hlen-255-plen-255',
    frame: ethernet(ETHERTYPE.ARP, bytes([0xff, 0xff], [0xff, 0xff], [255, 255], [0, 1], new Array<number>(20).fill(0xff))),
    reason: 'truncated-arp',
  },
];

describe('ARP crashers', () => {
  test.each(CRASHERS)('$name is counted as $reason, reads nothing past the frame and throws nothing', ({ frame, reason }) => {
    const out = decodeBytes(LINKTYPE.ETHERNET, frame);
    expect(reasonOf(out)).toBe(reason);
    expect(out.isArp).toBe(true);
    expect(out.arpTpaOff).toBe(0);
    expect(out.arpTha).toBe(-1);
  });
});
