// decodeFrame never throws and never reads outside its frame: random bytes and damaged real frames, fixed seeds.

import { beforeAll, describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import { DECODE_REASONS, DecodedFrame } from '../../src/decode/decoded-frame';
import { decodeFrame } from '../../src/decode/link';
import { ETHERTYPE } from '../../src/decode/ethertype';
import { IPPROTO } from '../../src/decode/ip-proto';
import { IPV6_NEXT } from '../../src/decode/ipv6';
import { arp, bytes, echo, ethernet, frameOf, ipv4, ipv6, tcp, udp, vlanTag } from './build';
import { classicMicrosecondPcaps, readPcap } from './corpus';
import { Rng } from '../../fixtures/rng';
import { expectOffsetsInside } from './property';

/**
 * Fuzz cases that once failed, run first and kept forever (proptest-regressions). A seed names a
 * case together with the frame pool below (corpus files in name order, then the crafted frames).
 * These three failed while this test was checked against decoders broken on purpose (one bounds
 * check weakened each); the decoders as written have not failed a seed yet. Each is also a golden
 * row of the same name, its frame written by fixtures/crashers/generate.ts.
 */
const FAILED_SEEDS: readonly { name: string; linkType: number; seed: number }[] = [
  { name: 'icmpv6-nd-target-past-end', linkType: LINKTYPE.ETHERNET, seed: 1852142891 },
  { name: 'vlan-tag-half-captured', linkType: LINKTYPE.ETHERNET, seed: 1852142797 },
  { name: 'arp-tpa-past-end', linkType: LINKTYPE.ETHERNET, seed: 1852142737 },
];

const ITERATIONS_PER_LINK_TYPE = 4000;
const BASE_SEED = 0x6e657467; // "netg"
/** Every link type netgap decodes, and one it does not. */
const LINK_TYPES = [...Object.values(LINKTYPE), 160];
/** Bytes placed before and after the frame, different in the two runs of each case. */
const GUARD_LEN = 16;

/** The shared seeded PRNG (fixtures/rng.ts) as a function, so that a failure reproduces from its seed. */
function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/**
 * Real frames per link type, grouped by file so that a file with a few rare frames (ND, RARP)
 * is drawn as often as one with a thousand TCP segments. LOOP has none in the corpus, so the
 * NULL files are re-headed with the family in network order.
 */
const realFiles = new Map<number, Buffer[][]>();

beforeAll(async () => {
  for (const file of classicMicrosecondPcaps()) {
    const frames = await readPcap(file);
    const linkType = frames[0]?.linkType;
    if (linkType === undefined) continue;
    realFiles.set(linkType, [...(realFiles.get(linkType) ?? []), frames.map((f) => f.data)]);
  }
  const loopFiles = (realFiles.get(LINKTYPE.NULL) ?? []).map((frames) =>
    frames.map((f) => {
      const copy = Buffer.from(f);
      if (copy.length >= 4) copy.writeUInt32BE(f.readUInt32LE(0), 0);
      return copy;
    }),
  );
  realFiles.set(LINKTYPE.LOOP, loopFiles);
  realFiles.get(LINKTYPE.ETHERNET)?.push(craftedEthernet());
});

/** Paths the corpus lacks (IPv6 extension headers, fragments, deep QinQ, options), as one more "file". */
function craftedEthernet(): Buffer[] {
  const ext = bytes([IPV6_NEXT.ROUTING, 0, 1, 4, 0, 0, 0, 0], [IPV6_NEXT.FRAGMENT, 0, 4, 0, 0, 0, 0, 0]);
  const fragmentThenAh = bytes([IPV6_NEXT.AH, 0, 0, 1, 0, 0, 0, 1], [IPPROTO.ICMPV6, 4, 0, 0], new Array<number>(20).fill(0));
  return [
    ethernet(ETHERTYPE.IPV6, ipv6({ next: IPV6_NEXT.HOP_BY_HOP, payload: bytes(ext, fragmentThenAh, echo(128, 1, 2)) })),
    ethernet(ETHERTYPE.IPV6, ipv6({ next: IPV6_NEXT.FRAGMENT, payload: bytes([IPPROTO.UDP, 0, 0, 0x18, 0, 0, 0, 1], udp(1, 2)) })),
    ethernet(ETHERTYPE.QINQ, bytes(vlanTag(1, ETHERTYPE.VLAN), vlanTag(2, ETHERTYPE.VLAN), vlanTag(3, ETHERTYPE.RARP), arp({ op: 3 }))),
    ethernet(ETHERTYPE.IPV4, ipv4({ proto: IPPROTO.TCP, options: [1, 1, 1, 0], payload: tcp(1, 2, 0x12, 8) })),
    ethernet(ETHERTYPE.IPV4, ipv4({ proto: IPPROTO.UDP, flagsOffset: 0x2000 | 3, payload: udp(1, 2) })),
  ];
}

/** One case from one seed: random bytes, or a real frame of that link type cut short and with a few bytes changed. */
function makeCase(linkType: number, seed: number): { bytes: Buffer; origExtra: number } {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const files = realFiles.get(linkType) ?? [];
  let bytes: Buffer;
  if (files.length === 0 || random() < 0.3) {
    bytes = Buffer.alloc(int(160));
    for (let i = 0; i < bytes.length; i++) bytes[i] = int(256);
  } else {
    const frames = files[int(files.length)]!;
    const source = frames[int(frames.length)]!;
    bytes = Buffer.from(source.subarray(0, int(source.length + 1)));
    const flips = int(5);
    for (let i = 0; i < flips && bytes.length > 0; i++) bytes[int(bytes.length)] = random() < 0.5 ? int(256) : 0xff;
  }
  return { bytes, origExtra: random() < 0.5 ? 0 : int(100) };
}

/** Every field but `buf`, to compare two decodes of the same bytes placed in different buffers. */
function facts(out: DecodedFrame): Record<string, unknown> {
  const { buf: _buf, ...rest } = out;
  return rest;
}

/**
 * Decode the case twice, framed by different guard bytes: the results must match (no read
 * outside [off, off + capLen)), and nothing may throw. Offsets are relative, so they shift equally.
 */
function checkCase(linkType: number, seed: number): void {
  const { bytes, origExtra } = makeCase(linkType, seed);
  const results = [0x00, 0xff].map((fill) => {
    const buf = Buffer.alloc(GUARD_LEN + bytes.length + GUARD_LEN, fill);
    bytes.copy(buf, GUARD_LEN);
    const frame = frameOf(linkType, buf, bytes.length + origExtra);
    frame.off = GUARD_LEN;
    frame.capLen = bytes.length;
    const out = new DecodedFrame();
    expect(() => decodeFrame(frame, out), `link type ${linkType} seed ${seed}`).not.toThrow();
    expectOffsetsInside(out, GUARD_LEN, GUARD_LEN + bytes.length, `link type ${linkType} seed ${seed}: `);
    return facts(out);
  });
  expect(results[1], `link type ${linkType} seed ${seed}`).toEqual(results[0]);
  const reason = results[0]!.reason as number;
  expect(reason >= -1 && reason < DECODE_REASONS.length, `link type ${linkType} seed ${seed}`).toBe(true);
}

describe('decodeFrame under fuzzing', () => {
  test.each(FAILED_SEEDS)('regression $name (link type $linkType, seed $seed)', ({ linkType, seed }) => {
    checkCase(linkType, seed);
  });

  test.each(LINK_TYPES)('link type %i: random and damaged frames never throw or read outside the frame', (linkType) => {
    // A failure names its link type and seed: add both to FAILED_SEEDS to keep the case.
    for (let n = 0; n < ITERATIONS_PER_LINK_TYPE; n++) checkCase(linkType, BASE_SEED + n);
  });
});
