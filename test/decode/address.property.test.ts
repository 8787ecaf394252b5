import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatIpv4, formatMac } from '../../src/decode/address';
import { fuzzParams } from '../fuzz/settings';

describe('address formatting under fast-check', () => {
  test('any 48-bit MAC prints as six lower-case hex pairs that read back to it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (mac) => {
        const text = formatMac(mac);
        expect(text).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
        expect(parseInt(text.replace(/:/g, ''), 16)).toBe(mac);
      }),
      fuzzParams(),
    );
  });

  test('any uint32 prints as a dotted quad that reads back to it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (ip) => {
        const text = formatIpv4(ip);
        expect(text).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
        expect(text.split('.').reduce((n, part) => n * 256 + Number(part), 0)).toBe(ip);
      }),
      fuzzParams(),
    );
  });
});
