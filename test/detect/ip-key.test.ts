// Host keys: IPv4 as its number, IPv6 as a 52-bit hash in a range of its own; IPv6 text per RFC 5952, checked against the WHATWG URL serializer.

import { describe, expect, it } from 'vitest';
import { formatIpv6 } from '../../src/decode/address';
import { IPV6_KEY_BASE, ipv6Key, isIpv6Key, sameIpv6 } from '../../src/detect/ip-key';
import { ipv6 } from './traffic';

describe('ipv6Key', () => {
  it('maps every IPv6 address into [2^52, 2^53), apart from every IPv4 key, the same way each time', () => {
    const seen = new Set<number>();
    const buf = Buffer.alloc(16);
    for (let i = 0; i < 20_000; i++) {
      buf.writeUInt32BE(0x20010db8, 0);
      buf.writeUInt32BE((i * 2654435761) >>> 0, 12);
      const k = ipv6Key(buf, 0);
      expect(Number.isSafeInteger(k) && k >= IPV6_KEY_BASE && k < 2 ** 53).toBe(true);
      expect(isIpv6Key(k)).toBe(true);
      expect(ipv6Key(Buffer.from(buf), 0)).toBe(k);
      seen.add(k);
    }
    // No collision among 20 000 related addresses (a 52-bit hash makes one unlikely below 2^26).
    expect(seen.size).toBe(20_000);
    expect(isIpv6Key(0xffffffff)).toBe(false);
  });

  it('reads the address at the offset it is given', () => {
    const frame = Buffer.concat([Buffer.alloc(3), ipv6('2001:db8::a')]);
    expect(ipv6Key(frame, 3)).toBe(ipv6Key(ipv6('2001:db8::a'), 0));
    expect(sameIpv6(frame, 3, ipv6('2001:db8::a'), 0)).toBe(true);
    expect(sameIpv6(frame, 3, ipv6('2001:db8::b'), 0)).toBe(false);
  });
});

describe('formatIpv6', () => {
  it.each([
    ['2001:db8::1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:DB8:AAAA:0:0:0:0:0', '2001:db8:aaaa::'],
  ])('writes %s as %s (RFC 5952 §4)', (input, text) => {
    expect(formatIpv6(ipv6(input.toLowerCase()), 0)).toBe(text);
  });

  it('agrees with the URL serializer on random addresses with runs of zero groups', () => {
    let seed = 9;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.alloc(16);
      for (let g = 0; g < 8; g++) if (rnd() < 0.5) b.writeUInt16BE(Math.floor(rnd() * 65536), 2 * g);
      const groups = Array.from({ length: 8 }, (_, g) => b.readUInt16BE(2 * g).toString(16)).join(':');
      expect(formatIpv6(b, 0)).toBe(new URL(`http://[${groups}]/`).hostname.slice(1, -1));
    }
  });
});
