import { describe, expect, test } from 'vitest';
import { readU16, readU32, readU48 } from '../../src/decode/read';

describe('readU16, readU32 and readU48', () => {
  test('read big-endian and unsigned, matching Buffer for every top-bit pattern', () => {
    const buf = Buffer.from([0x00, 0x80, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    for (let off = 0; off + 6 <= buf.length; off++) {
      expect(readU16(buf, off), `offset ${off}`).toBe(buf.readUInt16BE(off));
      expect(readU32(buf, off), `offset ${off}`).toBe(buf.readUInt32BE(off));
      expect(readU48(buf, off), `offset ${off}`).toBe(buf.readUIntBE(off, 6));
    }
  });

  test('keep all 48 bits of a MAC exactly, above what 32-bit operators hold', () => {
    expect(readU48(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0)).toBe(2 ** 48 - 1);
    expect(readU48(Buffer.from([0x00, 0x15, 0x5d, 0x0a, 0x00, 0x01]), 0)).toBe(0x00155d0a0001);
    expect(readU32(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0)).toBe(0xffffffff);
  });
});
