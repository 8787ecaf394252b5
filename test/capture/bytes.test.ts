// The readers' unsigned reads in either byte order, against Buffer's own.

import { describe, expect, test } from 'vitest';
import { u16, u32 } from '../../src/capture/bytes';

describe('u16 and u32', () => {
  test('read unsigned in both byte orders, matching Buffer for every top-bit pattern', () => {
    const buf = Buffer.from([0x00, 0x80, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x80]);
    for (let off = 0; off + 4 <= buf.length; off++) {
      expect(u16(buf, off, true), `LE offset ${off}`).toBe(buf.readUInt16LE(off));
      expect(u16(buf, off, false), `BE offset ${off}`).toBe(buf.readUInt16BE(off));
      expect(u32(buf, off, true), `LE offset ${off}`).toBe(buf.readUInt32LE(off));
      expect(u32(buf, off, false), `BE offset ${off}`).toBe(buf.readUInt32BE(off));
    }
  });

  test('keep values of 2^31 and above positive', () => {
    expect(u32(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, true)).toBe(0xffffffff);
    expect(u32(Buffer.from([0x00, 0x00, 0x00, 0x80]), 0, true)).toBe(0x80000000);
    expect(u32(Buffer.from([0x80, 0x00, 0x00, 0x00]), 0, false)).toBe(0x80000000);
  });
});
