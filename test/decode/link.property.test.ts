import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LINKTYPE, newFrame } from '../../src/frame';
import { DECODE_REASONS, DecodedFrame } from '../../src/decode/decoded-frame';
import { decodeFrame } from '../../src/decode/link';
import { fuzzParams } from '../fuzz/settings';
import { ethernetArb, hostile, nullArb, rawIpArb, sll2Arb, sllArb } from './arbitraries';
import { expectOffsetsInside, relativeFacts } from './property';

/** A frame of a link type netgap decodes (or one it does not), as the input of decodeFrame. */
const linkFrameArb = fc.oneof(
  hostile(ethernetArb).map((bytes) => ({ linkType: LINKTYPE.ETHERNET as number, bytes })),
  hostile(sllArb).map((bytes) => ({ linkType: LINKTYPE.LINUX_SLL as number, bytes })),
  hostile(sll2Arb).map((bytes) => ({ linkType: LINKTYPE.LINUX_SLL2 as number, bytes })),
  hostile(nullArb).map((bytes) => ({ linkType: LINKTYPE.NULL as number, bytes })),
  hostile(nullArb).map((bytes) => ({ linkType: LINKTYPE.LOOP as number, bytes })),
  fc
    .tuple(fc.constantFrom(LINKTYPE.RAW, LINKTYPE.IPV4, LINKTYPE.IPV6), hostile(rawIpArb))
    .map(([linkType, bytes]) => ({ linkType: linkType as number, bytes })),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), hostile(ethernetArb)).map(([linkType, bytes]) => ({ linkType, bytes })),
);

const poisonArb = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((a) => Buffer.from(a));

function decodeAt(bytes: Buffer, linkType: number, before: Buffer, after: Buffer, origExtra: number): Record<string, unknown> {
  const buf = Buffer.concat([before, bytes, after]);
  const frame = newFrame();
  frame.buf = buf;
  frame.off = before.length;
  frame.capLen = bytes.length;
  frame.origLen = bytes.length + origExtra;
  frame.linkType = linkType;
  frame.tsSec = 1;
  const out = new DecodedFrame();
  decodeFrame(frame, out);
  expectOffsetsInside(out, frame.off, frame.off + frame.capLen);
  expect(out.reason === -1 || DECODE_REASONS[out.reason] !== undefined).toBe(true);
  return relativeFacts(out, frame.off);
}

describe('decodeFrame under fast-check', () => {
  test('any frame of any link type, cut or snaplen-cut (origLen past capLen), decodes the same wherever it lies in any buffer', () => {
    fc.assert(
      fc.property(linkFrameArb, poisonArb, poisonArb, poisonArb, fc.nat(100), ({ linkType, bytes }, b1, a1, b2, origExtra) => {
        const one = decodeAt(bytes, linkType, b1, a1, origExtra);
        const two = decodeAt(bytes, linkType, Buffer.concat([b2, b1.map((b) => b ^ 0xff)]), Buffer.from(a1.map((b) => b ^ 0xff)), origExtra);
        expect(two).toEqual(one);
      }),
      fuzzParams(),
    );
  });

  test('a capLen past the end of the buffer is clamped to it, never a RangeError', () => {
    fc.assert(
      fc.property(hostile(ethernetArb), fc.nat(1 << 20), (bytes, extra) => {
        const frame = newFrame();
        frame.buf = bytes;
        frame.capLen = bytes.length + extra;
        frame.origLen = frame.capLen;
        frame.linkType = LINKTYPE.ETHERNET;
        const out = new DecodedFrame();
        expect(() => decodeFrame(frame, out)).not.toThrow();
        expectOffsetsInside(out, 0, bytes.length);
      }),
      fuzzParams(),
    );
  });
});
