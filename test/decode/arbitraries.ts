// fast-check arbitraries of frames, layer by layer: well-formed headers built by build.ts, random bytes, and mutations of both.

import fc from 'fast-check';
import { ETHERTYPE } from '../../src/decode/ethertype';
import { IPPROTO } from '../../src/decode/ip-proto';
import { IPV6_NEXT } from '../../src/decode/ipv6';
import { AF_INET, AF_INET6_BSD, AF_INET6_DARWIN, AF_INET6_FREEBSD } from '../../src/decode/null';
import { arp, bytes, echo, ethernet, icmp, ipv4, ipv6, sll, sll2, tcp, u16, udp, vlanTag } from './build';

const byte = fc.integer({ min: 0, max: 255 });
const u16Arb = fc.integer({ min: 0, max: 0xffff });

/** Random bytes, empty included. */
export function randomBytes(maxLength = 160): fc.Arbitrary<Buffer> {
  return fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
}

/**
 * `valid` damaged the way captures are: cut at any length (snaplen, a cut file) and a few bytes
 * overwritten (bit rot, a hostile sender); sometimes left whole.
 */
export function mutated(valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  return fc
    .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.oneof(byte, fc.constantFrom(0, 0xff))), { maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }))
    .map(([buf, flips, cut]) => {
      const out = Buffer.from(buf);
      for (const [pos, value] of flips) if (out.length > 0) out[pos % out.length] = value;
      return cut === undefined ? out : out.subarray(0, cut % (out.length + 1));
    });
}

/** Any input a decoder may meet: well-formed, damaged, or noise. */
export function hostile(valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  return fc.oneof({ arbitrary: valid, weight: 2 }, { arbitrary: mutated(valid), weight: 5 }, { arbitrary: randomBytes(), weight: 2 });
}

export const tcpArb: fc.Arbitrary<Buffer> = fc
  .tuple(u16Arb, u16Arb, byte, fc.integer({ min: 0, max: 15 }))
  .map(([s, d, flags, dataOffset]) => tcp(s, d, flags, dataOffset));

export const udpArb: fc.Arbitrary<Buffer> = fc.tuple(u16Arb, u16Arb, randomBytes(16)).map(([s, d, p]) => udp(s, d, p));

const icmpTypes = [0, 3, 8, 11, 128, 129, 133, 134, 135, 136, 137];
export const icmpArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(fc.constantFrom(0, 8, 128, 129), u16Arb, u16Arb).map(([type, id, seq]) => echo(type, id, seq)),
  fc.tuple(fc.constantFrom(...icmpTypes), byte, randomBytes(40)).map(([type, code, rest]) => icmp(type, code, rest)),
);

export const transportArb: fc.Arbitrary<{ proto: number; payload: Buffer }> = fc.oneof(
  tcpArb.map((payload) => ({ proto: IPPROTO.TCP, payload })),
  udpArb.map((payload) => ({ proto: IPPROTO.UDP, payload })),
  icmpArb.map((payload) => ({ proto: IPPROTO.ICMP, payload })),
  icmpArb.map((payload) => ({ proto: IPPROTO.ICMPV6, payload })),
  fc.tuple(byte, randomBytes(24)).map(([proto, payload]) => ({ proto, payload })),
);

export const ipv4Arb: fc.Arbitrary<Buffer> = fc
  .tuple(transportArb, fc.integer({ min: 0, max: 10 }), fc.constantFrom(0, 0x2000, 0x4000, 0x2003, 0x0001), fc.option(u16Arb, { nil: undefined }), byte)
  .map(([t, optionWords, flagsOffset, totalLength, ttl]) =>
    ipv4({ proto: t.proto, payload: t.payload, options: new Array<number>(optionWords * 4).fill(1), flagsOffset, totalLength, ttl }),
  );

/** One IPv6 extension header of a kind the decoder walks, naming `next`. */
const extHeaderArb: fc.Arbitrary<{ kind: number; make: (next: number) => Buffer }> = fc.oneof(
  fc.tuple(fc.constantFrom(IPV6_NEXT.HOP_BY_HOP, IPV6_NEXT.ROUTING, IPV6_NEXT.DESTINATION_OPTIONS), fc.integer({ min: 0, max: 3 })).map(([kind, len]) => ({
    kind,
    make: (next: number) => bytes([next, len], new Array<number>(6 + len * 8).fill(0)),
  })),
  fc.tuple(u16Arb).map(([offsetFlags]) => ({ kind: IPV6_NEXT.FRAGMENT as number, make: (next: number) => bytes([next, 0], u16(offsetFlags), [0, 0, 0, 1]) })),
  fc
    .integer({ min: 1, max: 4 })
    .map((len) => ({ kind: IPV6_NEXT.AH as number, make: (next: number) => bytes([next, len], new Array<number>(2 + len * 4).fill(0)) })),
);

export const ipv6Arb: fc.Arbitrary<Buffer> = fc
  .tuple(transportArb, fc.array(extHeaderArb, { maxLength: 10 }), fc.option(u16Arb, { nil: undefined }), fc.boolean())
  .map(([t, exts, payloadLength, noNext]) => {
    let next = noNext ? IPV6_NEXT.NO_NEXT_HEADER : t.proto;
    let chain: Buffer = noNext ? Buffer.alloc(0) : t.payload;
    for (let i = exts.length - 1; i >= 0; i--) {
      chain = bytes(exts[i]!.make(next), chain);
      next = exts[i]!.kind;
    }
    return ipv6({ next, payload: chain, payloadLength });
  });

export const arpArb: fc.Arbitrary<Buffer> = fc
  .tuple(
    fc.constantFrom(1, 6, 0x0f),
    fc.constantFrom(0x0800, 0x86dd),
    fc.integer({ min: 0, max: 5 }),
    fc.option(byte, { nil: undefined, freq: 1 }),
    fc.option(byte, { nil: undefined, freq: 1 }),
  )
  .map(([htype, ptype, op, hlen, plen]) => arp({ htype, ptype, op, hlen, plen }));

/** An EtherType and the payload it names, VLAN stacks of any depth included. */
export const etherPayloadArb: fc.Arbitrary<{ type: number; payload: Buffer }> = fc
  .tuple(
    fc.oneof(
      ipv4Arb.map((payload) => ({ type: ETHERTYPE.IPV4 as number, payload })),
      ipv6Arb.map((payload) => ({ type: ETHERTYPE.IPV6 as number, payload })),
      arpArb.map((payload) => ({ type: ETHERTYPE.ARP as number, payload })),
      arpArb.map((payload) => ({ type: ETHERTYPE.RARP as number, payload })),
      fc.tuple(u16Arb, randomBytes(40)).map(([type, payload]) => ({ type, payload })),
    ),
    fc.array(fc.tuple(fc.constantFrom(ETHERTYPE.VLAN, ETHERTYPE.QINQ, ETHERTYPE.QINQ_LEGACY), fc.integer({ min: 0, max: 0xfff })), { maxLength: 11 }),
  )
  .map(([inner, tags]) => {
    let type = inner.type;
    let payload = inner.payload;
    for (let i = tags.length - 1; i >= 0; i--) {
      const [tpid, vid] = tags[i]!;
      payload = bytes(vlanTag(vid, type), payload);
      type = tpid;
    }
    return { type, payload };
  });

export const ethernetArb: fc.Arbitrary<Buffer> = etherPayloadArb.map(({ type, payload }) => ethernet(type, payload));

export const sllArb: fc.Arbitrary<Buffer> = fc
  .tuple(etherPayloadArb, fc.integer({ min: 0, max: 8 }))
  .map(([p, halen]) => sll(p.type, p.payload, new Array<number>(halen).fill(2)));

export const sll2Arb: fc.Arbitrary<Buffer> = fc
  .tuple(etherPayloadArb, fc.integer({ min: 0, max: 8 }))
  .map(([p, halen]) => sll2(p.type, p.payload, new Array<number>(halen).fill(2)));

export const rawIpArb: fc.Arbitrary<Buffer> = fc.oneof(ipv4Arb, ipv6Arb);

/** A BSD loopback frame: the family in either byte order, then an IP packet. */
export const nullArb: fc.Arbitrary<Buffer> = fc
  .tuple(fc.constantFrom(AF_INET, AF_INET6_BSD, AF_INET6_FREEBSD, AF_INET6_DARWIN, 17), fc.boolean(), rawIpArb)
  .map(([family, le, ip]) => {
    const head = Buffer.alloc(4);
    if (le) head.writeUInt32LE(family);
    else head.writeUInt32BE(family);
    return bytes(head, ip);
  });
