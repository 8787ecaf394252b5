import { describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import { L4, TCP_FLAG } from '../../src/decode/decoded-frame';
import { ETHERTYPE } from '../../src/decode/ethertype';
import { IPPROTO } from '../../src/decode/ip-proto';
import { decodeIpv6, IPV6_HLEN, IPV6_MAX_EXT_HEADERS, IPV6_NEXT } from '../../src/decode/ipv6';
import { bytes, decodeBytes, echo, ethernet, expectTruncatedAtEveryLength, ip6, ipv6, reasonOf, run, tcp, u16, u32, udp } from './build';

/** Hop-by-Hop or Destination Options: next header, length 0, one PadN option filling 8 octets. */
function options(next: number): number[] {
  return [next, 0, 1, 4, 0, 0, 0, 0];
}

/** Type 4 (segment routing) header with no segments left: 8 octets. */
function routing(next: number): number[] {
  return [next, 0, 4, 0, 0, 0, 0, 0];
}

function fragment(next: number, offsetUnits: number, more: boolean): number[] {
  return [next, 0, ...u16((offsetUnits << 3) | (more ? 1 : 0)), ...u32(0xdeadbeef)];
}

/** AH with a 12-octet ICV: Payload Len 4 means (4 + 2) * 4 = 24 octets (RFC 4302 §2.2). */
function ah(next: number): number[] {
  return [next, 4, 0, 0, ...u32(0x100), ...u32(1), ...new Array<number>(12).fill(0xaa)];
}

describe('decodeIpv6', () => {
  test('a packet cut inside the 40-octet fixed header is truncated-ipv6 and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeIpv6, ipv6({ next: IPPROTO.UDP, payload: udp(1, 2) }), IPV6_HLEN, 'truncated-ipv6');
  });

  test('reads version, hop limit, the address offsets and the next header, then the transport', () => {
    const packet = ipv6({ next: IPPROTO.UDP, hopLimit: 64, payload: udp(546, 547) });
    const { next, out } = run(decodeIpv6, packet);
    expect(next).toBe(48);
    expect(out).toMatchObject({ reason: -1, ipVersion: 6, ipTtl: 64, ipProto: IPPROTO.UDP, ip6SrcOff: 8, ip6DstOff: 24, l4: L4.UDP, dstPort: 547 });
    expect([...packet.subarray(out.ip6SrcOff, out.ip6SrcOff + 16)]).toEqual(ip6(1));
    expect([...packet.subarray(out.ip6DstOff, out.ip6DstOff + 16)]).toEqual(ip6(2));
  });

  test('a version other than 6 is ipv6-bad-version, with no IP facts set', () => {
    const { out } = run(decodeIpv6, ipv6({ next: IPPROTO.UDP, version: 4 }));
    expect(reasonOf(out)).toBe('ipv6-bad-version');
    expect(out.ipVersion).toBe(0);
  });

  test.each([
    ['Hop-by-Hop Options', IPV6_NEXT.HOP_BY_HOP, options(IPPROTO.TCP)],
    ['Routing', IPV6_NEXT.ROUTING, routing(IPPROTO.TCP)],
    ['Destination Options', IPV6_NEXT.DESTINATION_OPTIONS, options(IPPROTO.TCP)],
    ['Authentication Header (4-octet units)', IPV6_NEXT.AH, ah(IPPROTO.TCP)],
    ['a first Fragment', IPV6_NEXT.FRAGMENT, fragment(IPPROTO.TCP, 0, true)],
  ])('a %s header is walked and the TCP header after it is decoded', (_name, first, ext) => {
    const { next, out } = run(decodeIpv6, ipv6({ next: first, payload: bytes(ext, tcp(1, 179, TCP_FLAG.SYN)) }));
    expect(out).toMatchObject({ reason: -1, ipProto: IPPROTO.TCP, l4: L4.TCP, dstPort: 179, tcpFlags: TCP_FLAG.SYN });
    expect(next).toBe(IPV6_HLEN + ext.length + 20);
  });

  test('every header of a long valid chain is walked in order', () => {
    const chain = bytes(
      options(IPV6_NEXT.ROUTING),
      routing(IPV6_NEXT.FRAGMENT),
      fragment(IPV6_NEXT.AH, 0, true),
      ah(IPV6_NEXT.DESTINATION_OPTIONS),
      options(IPPROTO.ICMPV6),
    );
    const { out } = run(decodeIpv6, ipv6({ next: IPV6_NEXT.HOP_BY_HOP, payload: bytes(chain, echo(128, 7, 9)) }));
    expect(out).toMatchObject({ reason: -1, ipProto: IPPROTO.ICMPV6, ipFragment: true, icmpType: 128, icmpEchoId: 7, icmpEchoSeq: 9 });
  });

  test('a Fragment header makes it a fragment; with an offset > 0 no transport is decoded', () => {
    const first = run(decodeIpv6, ipv6({ next: IPV6_NEXT.FRAGMENT, payload: bytes(fragment(IPPROTO.UDP, 0, true), udp(1, 2)) })).out;
    expect(first).toMatchObject({ ipFragment: true, ipLaterFragment: false, l4: L4.UDP });
    const later = run(decodeIpv6, ipv6({ next: IPV6_NEXT.FRAGMENT, payload: bytes(fragment(IPPROTO.UDP, 181, false), udp(1, 2)) }));
    expect(later.next).toBe(IPV6_HLEN + 8);
    expect(later.out).toMatchObject({ reason: -1, ipFragment: true, ipLaterFragment: true, ipProto: IPPROTO.UDP, l4: L4.NONE });
    const atomic = run(decodeIpv6, ipv6({ next: IPV6_NEXT.FRAGMENT, payload: bytes(fragment(IPPROTO.UDP, 0, false), udp(1, 2)) })).out;
    expect(atomic).toMatchObject({ ipFragment: true, ipLaterFragment: false, l4: L4.UDP });
  });

  test(`${IPV6_MAX_EXT_HEADERS} extension headers are walked; one more is ipv6-ext-too-many`, () => {
    const chain = (count: number) => {
      const parts: number[] = [];
      for (let i = 1; i <= count; i++) parts.push(...options(i === count ? IPPROTO.UDP : IPV6_NEXT.DESTINATION_OPTIONS));
      return ipv6({ next: IPV6_NEXT.DESTINATION_OPTIONS, payload: bytes(parts, udp(1, 2)) });
    };
    expect(run(decodeIpv6, chain(IPV6_MAX_EXT_HEADERS)).out).toMatchObject({ reason: -1, l4: L4.UDP });
    const { next, out } = run(decodeIpv6, chain(IPV6_MAX_EXT_HEADERS + 1));
    expect(next).toBeLessThan(0);
    expect(reasonOf(out)).toBe('ipv6-ext-too-many');
    expect(out.ipVersion).toBe(6);
    expect(out.l4).toBe(L4.NONE);
  });

  test.each([
    ['Hop-by-Hop', IPV6_NEXT.HOP_BY_HOP, options(IPPROTO.UDP)],
    ['Fragment', IPV6_NEXT.FRAGMENT, fragment(IPPROTO.UDP, 0, true)],
    ['AH', IPV6_NEXT.AH, ah(IPPROTO.UDP)],
  ])('a %s header cut anywhere is truncated-ipv6-ext, with the fixed-header facts kept', (_name, first, ext) => {
    const packet = ipv6({ next: first, payload: bytes(ext, udp(1, 2)) });
    for (let len = IPV6_HLEN; len < IPV6_HLEN + ext.length; len++) {
      const { next, out } = run(decodeIpv6, Buffer.from(packet.subarray(0, len)));
      expect(next, `length ${len}`).toBeLessThan(0);
      expect(reasonOf(out), `length ${len}`).toBe('truncated-ipv6-ext');
      expect(out, `length ${len}`).toMatchObject({ ipVersion: 6, ipProto: -1, l4: L4.NONE });
    }
  });

  test('No Next Header (59) ends the packet cleanly', () => {
    const { next, out } = run(decodeIpv6, ipv6({ next: IPV6_NEXT.HOP_BY_HOP, payload: options(IPV6_NEXT.NO_NEXT_HEADER) }));
    expect(next).toBe(IPV6_HLEN + 8);
    expect(out).toMatchObject({ reason: -1, ipProto: IPV6_NEXT.NO_NEXT_HEADER, l4: L4.NONE });
  });

  test('Ethernet padding after the payload length is not read as an extension header or transport', () => {
    const packet = ipv6({ next: IPPROTO.ICMPV6, payload: echo(128, 1, 1).subarray(0, 4) });
    const out = decodeBytes(LINKTYPE.ETHERNET, bytes(ethernet(ETHERTYPE.IPV6, packet), new Array<number>(16).fill(0xee)));
    expect(reasonOf(out)).toBe('truncated-icmpv6');
    expect(out).toMatchObject({ icmpType: 128, icmpEchoId: -1 });
  });

  test('a payload length of 0 (jumbogram or TSO) leaves the captured bytes as the packet', () => {
    const { out } = run(decodeIpv6, ipv6({ next: IPPROTO.TCP, payloadLength: 0, payload: tcp(1, 2, TCP_FLAG.ACK) }));
    expect(out).toMatchObject({ reason: -1, l4: L4.TCP });
  });

  test('a protocol with no decoder (ESP) ends decoding cleanly after the chain', () => {
    const { next, out } = run(decodeIpv6, ipv6({ next: 50, payload: u32(0x100) }));
    expect(next).toBe(IPV6_HLEN);
    expect(out).toMatchObject({ reason: -1, ipProto: 50, l4: L4.NONE });
  });
});
