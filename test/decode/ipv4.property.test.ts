import { describe, test } from 'vitest';
import { decodeIpv4 } from '../../src/decode/ipv4';
import { hostile, ipv4Arb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeIpv4 under fast-check', () => {
  test('any IPv4-like packet, options, fragments and lying lengths included, decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeIpv4, hostile(ipv4Arb));
  });
});
