// The DataView every reader and decoder reads fields through, against Buffer's own reads.

import { describe, expect, test } from 'vitest';
import { U32_SPAN, viewOf } from '../src/bytes';

describe('viewOf', () => {
  test("reads a buffer's own bytes when it starts inside a larger one, in both byte orders", () => {
    const whole = Buffer.from([0xaa, 0xbb, 0xcc, 0x00, 0x80, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x80]);
    const buf = whole.subarray(3);
    const view = viewOf(buf);
    expect(view.byteLength).toBe(buf.length);
    for (let off = 0; off + 4 <= buf.length; off++) {
      expect(view.getUint16(off, true), `LE offset ${off}`).toBe(buf.readUInt16LE(off));
      expect(view.getUint16(off), `BE offset ${off}`).toBe(buf.readUInt16BE(off));
      expect(view.getUint32(off, true), `LE offset ${off}`).toBe(buf.readUInt32LE(off));
      expect(view.getUint32(off), `BE offset ${off}`).toBe(buf.readUInt32BE(off));
    }
  });

  test('is made once per buffer, and a view of one buffer is never used for another', () => {
    const a = Buffer.from([1, 2, 3, 4]);
    const b = Buffer.from([5, 6, 7, 8]);
    expect(viewOf(a)).toBe(viewOf(a));
    expect(viewOf(b)).not.toBe(viewOf(a));
    // Two Buffer objects over the same memory each get a view of their own span.
    expect(viewOf(a.subarray(2)).getUint16(0)).toBe(0x0304);
  });

  test('reads a buffer of a SharedArrayBuffer (the pipe ring)', () => {
    const ring = Buffer.from(new SharedArrayBuffer(16), 8, 8);
    ring.writeUInt32BE(0xdeadbeef, 4);
    expect(viewOf(ring).getUint32(4)).toBe(0xdeadbeef);
  });
});

describe('a 48-bit field joined from a 16- and a 32-bit read', () => {
  test('is exact up to 2^48 - 1 and matches Buffer', () => {
    const ones = Buffer.alloc(6, 0xff);
    expect(viewOf(ones).getUint16(0) * U32_SPAN + viewOf(ones).getUint32(2)).toBe(2 ** 48 - 1);
    const mac = Buffer.from([0x00, 0x15, 0x5d, 0x0a, 0x80, 0x01]);
    const v = viewOf(mac);
    expect(v.getUint16(0) * U32_SPAN + v.getUint32(2)).toBe(mac.readUIntBE(0, 6));
    expect(v.getUint16(0) * U32_SPAN + v.getUint32(2)).toBe(0x00155d0a8001);
  });
});
