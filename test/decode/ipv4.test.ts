import { describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import { L4, TCP_FLAG } from '../../src/decode/decoded-frame';
import { ETHERTYPE } from '../../src/decode/ethertype';
import { IPPROTO } from '../../src/decode/ip-proto';
import { decodeIpv4, IPV4_MIN_HLEN } from '../../src/decode/ipv4';
import { bytes, decodeBytes, echo, ethernet, expectTruncatedAtEveryLength, ip4Number, ipv4, reasonOf, run, tcp, udp } from './build';

const MF = 0x2000;
/** Any protocol number netgap has no decoder for. */
const GRE = 47;

describe('decodeIpv4', () => {
  test('a packet cut inside the 20-octet fixed header is truncated-ipv4 and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeIpv4, ipv4({ proto: IPPROTO.UDP, payload: udp(1, 2) }), IPV4_MIN_HLEN, 'truncated-ipv4');
  });

  test('reads version, TTL, protocol and both addresses as unsigned 32-bit numbers', () => {
    const packet = ipv4({ proto: GRE, src: '203.0.113.7', dst: '255.255.255.255', ttl: 1 });
    const { next, out } = run(decodeIpv4, packet);
    expect(next).toBe(IPV4_MIN_HLEN);
    expect(out).toMatchObject({ reason: -1, ipVersion: 4, ipTtl: 1, ipProto: GRE, ip4Src: ip4Number('203.0.113.7'), ip4Dst: 0xffffffff });
    expect(out.ipFragment).toBe(false);
    expect(out.l4).toBe(L4.NONE);
  });

  test('hands the payload to the transport decoder', () => {
    const { next, out } = run(decodeIpv4, ipv4({ proto: IPPROTO.TCP, payload: tcp(40000, 443, TCP_FLAG.SYN) }));
    expect(next).toBe(40);
    expect(out).toMatchObject({ reason: -1, l4: L4.TCP, srcPort: 40000, dstPort: 443, tcpFlags: TCP_FLAG.SYN });
  });

  test('a version other than 4 is ipv4-bad-version, with no IP facts set', () => {
    const { out } = run(decodeIpv4, ipv4({ proto: IPPROTO.UDP, version: 6 }));
    expect(reasonOf(out)).toBe('ipv4-bad-version');
    expect(out.ipVersion).toBe(0);
  });

  test('an IHL below 5 is ipv4-bad-ihl', () => {
    expect(reasonOf(run(decodeIpv4, ipv4({ proto: IPPROTO.UDP, ihl: 4 })).out)).toBe('ipv4-bad-ihl');
  });

  test.each([
    ['shorter than the fixed header', 19, undefined],
    ['shorter than the header with options', 23, [1, 1, 1, 0]],
  ])('a total length %s is ipv4-bad-total-length', (_name, totalLength, options) => {
    const { out } = run(decodeIpv4, ipv4({ proto: IPPROTO.UDP, totalLength, options, payload: udp(1, 2) }));
    expect(reasonOf(out)).toBe('ipv4-bad-total-length');
    expect(out.ipVersion).toBe(0);
  });

  test('a total length of 0 is a host capturing its own TSO segment: the captured bytes are the packet', () => {
    const { out } = run(decodeIpv4, ipv4({ proto: IPPROTO.TCP, totalLength: 0, payload: tcp(1, 2, TCP_FLAG.ACK) }));
    expect(out).toMatchObject({ reason: -1, l4: L4.TCP });
  });

  test('options are skipped: the transport starts after them', () => {
    const { next, out } = run(decodeIpv4, ipv4({ proto: IPPROTO.UDP, options: [0x94, 0x04, 0, 0, 1, 1, 1, 0], payload: udp(67, 68) }));
    expect(next).toBe(28 + 8);
    expect(out).toMatchObject({ reason: -1, l4: L4.UDP, srcPort: 67, dstPort: 68 });
  });

  test('options cut by the snaplen are truncated-ipv4, with the fixed-header facts kept', () => {
    const packet = ipv4({ proto: IPPROTO.UDP, src: '192.0.2.9', options: [1, 1, 1, 1, 1, 1, 1, 0], payload: udp(1, 2) });
    for (let len = IPV4_MIN_HLEN; len < 28; len++) {
      const { next, out } = run(decodeIpv4, Buffer.from(packet.subarray(0, len)));
      expect(next).toBeLessThan(0);
      expect(reasonOf(out)).toBe('truncated-ipv4');
      expect(out).toMatchObject({ ipVersion: 4, ip4Src: ip4Number('192.0.2.9'), l4: L4.NONE });
    }
  });

  test('a first fragment (MF, offset 0) is a fragment and still has its transport header', () => {
    const { out } = run(decodeIpv4, ipv4({ proto: IPPROTO.UDP, flagsOffset: MF, payload: udp(1, 2) }));
    expect(out).toMatchObject({ reason: -1, ipFragment: true, ipLaterFragment: false, l4: L4.UDP });
  });

  test.each([
    ['a middle fragment', MF | 185],
    ['the last fragment', 185],
  ])('%s (offset > 0) carries no transport header: nothing past the IP header is decoded', (_name, flagsOffset) => {
    const { next, out } = run(decodeIpv4, ipv4({ proto: IPPROTO.UDP, flagsOffset, payload: udp(1, 2) }));
    expect(next).toBe(IPV4_MIN_HLEN);
    expect(out).toMatchObject({ reason: -1, ipFragment: true, ipLaterFragment: true, ipProto: IPPROTO.UDP, l4: L4.NONE, srcPort: -1 });
  });

  test("the Don't Fragment bit alone is not a fragment", () => {
    expect(run(decodeIpv4, ipv4({ proto: IPPROTO.UDP, flagsOffset: 0x4000, payload: udp(1, 2) })).out.ipFragment).toBe(false);
  });

  test('Ethernet padding after the total length is not read as transport', () => {
    // The IP packet holds only the first 4 octets of an echo request; the padding would supply
    // an identifier and sequence if `end` were not clamped to the total length.
    const packet = ipv4({ proto: IPPROTO.ICMP, payload: echo(8, 0x1234, 1).subarray(0, 4) });
    const frame = bytes(ethernet(ETHERTYPE.IPV4, packet), new Array<number>(60 - 14 - packet.length).fill(0xee));
    const out = decodeBytes(LINKTYPE.ETHERNET, frame);
    expect(reasonOf(out)).toBe('truncated-icmp');
    expect(out).toMatchObject({ l4: L4.ICMP, icmpType: 8, icmpEchoId: -1 });
  });

  test('a total length beyond the captured bytes (snaplen) still decodes what was captured', () => {
    const packet = ipv4({ proto: IPPROTO.TCP, totalLength: 1500, payload: tcp(1, 2, TCP_FLAG.SYN | TCP_FLAG.ACK) });
    const out = decodeBytes(LINKTYPE.IPV4, packet, 1500);
    expect(out).toMatchObject({ reason: -1, incomplete: true, l4: L4.TCP, tcpFlags: TCP_FLAG.SYN | TCP_FLAG.ACK });
  });

  test('a protocol with no decoder ends decoding cleanly after the header', () => {
    const { next, out } = run(decodeIpv4, ipv4({ proto: GRE, payload: [0, 0, 0x08, 0x00] }));
    expect(next).toBe(IPV4_MIN_HLEN);
    expect(out.reason).toBe(-1);
    expect(out.l4).toBe(L4.NONE);
  });
});
