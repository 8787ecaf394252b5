// Address text forms: MAC colon hex over all 48 bits, IPv4 dotted quad over all 32.

import { describe, expect, it } from 'vitest';
import { formatIpv4, formatMac } from '../../src/decode/address';

describe('formatMac', () => {
  it('writes 48 bits as lower-case colon hex with leading zeros', () => {
    expect(formatMac(0x00155d0a0001)).toBe('00:15:5d:0a:00:01');
    expect(formatMac(0)).toBe('00:00:00:00:00:00');
    expect(formatMac(0xffffffffffff)).toBe('ff:ff:ff:ff:ff:ff');
  });

  it('keeps the top 16 bits that 32-bit operators would cut off', () => {
    expect(formatMac(0xabcd00000000)).toBe('ab:cd:00:00:00:00');
    expect(formatMac(0x0000ffffffff)).toBe('00:00:ff:ff:ff:ff');
  });
});

describe('formatIpv4', () => {
  it('writes a uint32 as a dotted quad, high octet first', () => {
    expect(formatIpv4(0xc633640b)).toBe('198.51.100.11');
    expect(formatIpv4(0)).toBe('0.0.0.0');
    expect(formatIpv4(0xffffffff)).toBe('255.255.255.255');
  });
});
