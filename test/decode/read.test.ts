import { describe, expect, it } from 'vitest';
import { readU16, readU24, U16_SPAN, U24_SPAN } from '../../src/decode/read';

describe('readU16 and readU24, and the 32- and 48-bit fields joined from them', () => {
  it('agree with Buffer at every offset', () => {
    const buf = Buffer.from([0x00, 0x15, 0x5d, 0xff, 0x80, 0x01, 0x7f, 0xfe, 0xc0, 0xa8]);
    for (let off = 0; off + 6 <= buf.length; off++) {
      expect(readU16(buf, off), `offset ${off}`).toBe(buf.readUInt16BE(off));
      expect(readU24(buf, off), `offset ${off}`).toBe(buf.readUIntBE(off, 3));
      expect(readU16(buf, off) * U16_SPAN + readU16(buf, off + 2), `offset ${off}`).toBe(buf.readUInt32BE(off));
      expect(readU24(buf, off) * U24_SPAN + readU24(buf, off + 3), `offset ${off}`).toBe(buf.readUIntBE(off, 6));
    }
  });

  it('are exact at the top of the range, where a signed shift would go negative', () => {
    const ones = Buffer.alloc(6, 0xff);
    expect(readU24(ones, 0) * U24_SPAN + readU24(ones, 3)).toBe(2 ** 48 - 1);
    expect(readU16(ones, 0) * U16_SPAN + readU16(ones, 2)).toBe(0xffffffff);
    const mac = Buffer.from([0x00, 0x15, 0x5d, 0x0a, 0x00, 0x01]);
    expect(readU24(mac, 0) * U24_SPAN + readU24(mac, 3)).toBe(0x00155d0a0001);
  });
});
