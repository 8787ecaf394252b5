import { describe, test } from 'vitest';
import { decodeArp, decodeRarp } from '../../src/decode/arp';
import { arpArb, hostile } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeArp and decodeRarp under fast-check', () => {
  test('any ARP-like input decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeArp, hostile(arpArb));
  });
  test('RARP: the same', () => {
    checkDecoder(decodeRarp, hostile(arpArb));
  });
});
