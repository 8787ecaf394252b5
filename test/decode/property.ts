// The property every decoder keeps under hostile input: no throw, no read outside [off, end), a frame or a named reason.

import fc from 'fast-check';
import { expect } from 'vitest';
import { DECODE_REASONS, DecodedFrame } from '../../src/decode/decoded-frame';
import type { Decoder } from '../../src/decode/link';
import { fuzzParams } from '../fuzz/settings';

/** DecodedFrame fields that hold offsets into `buf` (0 = absent). */
const OFFSET_FIELDS = ['arpShaOff', 'arpSpaOff', 'arpThaOff', 'arpTpaOff', 'ip6SrcOff', 'ip6DstOff', 'ndTargetOff'] as const;

/** Bytes around the input, different in each of the two layouts a case is decoded in. */
const poisonArb = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((a) => Buffer.from(a));

/** What the caller of a decoder may have set before calling it (the VLAN loop, the IP table). */
export type Prepare = (out: DecodedFrame) => void;

/**
 * The facts of `out` for a decode at `off`, offsets made relative to `off`, buf and view left
 * out: two decodes of the same bytes at different places in different buffers give equal facts.
 */
export function relativeFacts(out: DecodedFrame, off: number): Record<string, unknown> {
  const { buf: _buf, view: _view, ...rest } = out;
  const facts: Record<string, unknown> = rest;
  for (const f of OFFSET_FIELDS) facts[f] = out[f] === 0 ? 0 : out[f] - off;
  return facts;
}

/** Every offset handed out covers its whole field inside [off, end). */
export function expectOffsetsInside(out: DecodedFrame, off: number, end: number, label = ''): void {
  const spans: [number, number][] = [
    [out.arpShaOff, out.arpHlen],
    [out.arpSpaOff, out.arpPlen],
    [out.arpThaOff, out.arpHlen],
    [out.arpTpaOff, out.arpPlen],
    [out.ip6SrcOff, 16],
    [out.ip6DstOff, 16],
    [out.ndTargetOff, 16],
  ];
  for (const [start, len] of spans) {
    if (start === 0) continue;
    expect(start >= off && start + len <= end, `${label}[${start}, ${start + len}) outside [${off}, ${end})`).toBe(true);
  }
}

/**
 * Decodes `input` at an offset inside a buffer whose bytes before and after it are poison, and
 * checks the result: no throw, every offset inside [off, end), and a return that is either an
 * offset in [off, end] with no reason, or negative with one of the documented reasons.
 */
function decodeIn(
  decoder: Decoder,
  input: Buffer,
  before: Buffer,
  after: Buffer,
  prepare: Prepare | undefined,
): { next: number; facts: Record<string, unknown> } {
  const buf = Buffer.concat([before, input, after]);
  const off = before.length;
  const end = off + input.length;
  const out = new DecodedFrame();
  out.reset(buf);
  prepare?.(out);
  const next = decoder(buf, off, end, out);
  expectOffsetsInside(out, off, end);
  if (next < 0) {
    expect(out.reason, 'a negative return names a reason').toBeGreaterThanOrEqual(0);
    expect(DECODE_REASONS[out.reason], 'the reason is a documented one').toBeDefined();
  } else {
    expect(out.reason, 'a decoded frame has no reason').toBe(-1);
    expect(next).toBeGreaterThanOrEqual(off);
    expect(next).toBeLessThanOrEqual(end);
  }
  return { next: next < 0 ? next : next - off, facts: relativeFacts(out, off) };
}

/**
 * The decoder property, checked with fast-check: for any input from `inputs` (and any caller
 * state from `prepares`), decoding it inside two buffers poisoned differently gives the same
 * result, so nothing outside [off, end) influences it, and each decode ends in a frame or a reason.
 */
export function checkDecoder(
  decoder: Decoder,
  inputs: fc.Arbitrary<Buffer>,
  prepares: fc.Arbitrary<Prepare | undefined> = fc.constant(undefined),
  examples: [Buffer, Prepare | undefined][] = [],
): void {
  fc.assert(
    fc.property(inputs, prepares, poisonArb, poisonArb, poisonArb, poisonArb, (input, prepare, b1, a1, b2, a2) => {
      const one = decodeIn(decoder, input, b1, a1, prepare);
      // Next to the input, the second layout's poison is the first's inverted: every byte a stray read could meet differs.
      const two = decodeIn(decoder, input, Buffer.concat([b2, b1.map((b) => b ^ 0xff)]), Buffer.concat([a1.map((b) => b ^ 0xff), a2]), prepare);
      expect(two).toEqual(one);
    }),
    fuzzParams(1, {
      examples: examples.map(([input, prepare]) => [input, prepare, Buffer.from([0]), Buffer.from([0]), Buffer.from([0xff]), Buffer.from([0xff])]),
    }),
  );
}
