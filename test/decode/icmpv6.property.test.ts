import { describe, test } from 'vitest';
import { decodeIcmpv6 } from '../../src/decode/icmpv6';
import { hostile, icmpArb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeIcmpv6 under fast-check', () => {
  test('any ICMPv6-like input, Neighbor Discovery included, decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeIcmpv6, hostile(icmpArb));
  });
});
