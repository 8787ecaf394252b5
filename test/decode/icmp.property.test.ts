import { describe, test } from 'vitest';
import { decodeIcmp } from '../../src/decode/icmp';
import { hostile, icmpArb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeIcmp under fast-check', () => {
  test('any ICMP-like input decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeIcmp, hostile(icmpArb));
  });
});
