import { describe, test } from 'vitest';
import { decodeUdp } from '../../src/decode/udp';
import { hostile, udpArb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeUdp under fast-check', () => {
  test('any UDP-like header decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeUdp, hostile(udpArb));
  });
});
