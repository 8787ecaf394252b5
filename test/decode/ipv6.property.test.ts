import { describe, test } from 'vitest';
import { decodeIpv6 } from '../../src/decode/ipv6';
import { hostile, ipv6Arb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeIpv6 under fast-check', () => {
  test('any IPv6-like packet, extension chains past the cap included, decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeIpv6, hostile(ipv6Arb));
  });
});
