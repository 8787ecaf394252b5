import fc from 'fast-check';
import { describe, test } from 'vitest';
import { decodeEtherPayload, ETHERTYPE } from '../../src/decode/ethertype';
import { etherPayloadArb, hostile } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeEtherPayload under fast-check', () => {
  test('any payload under any EtherType the link layer set decodes to a frame or a reason, reading only [off, end)', () => {
    const types = fc.oneof(fc.constantFrom(...Object.values(ETHERTYPE)), fc.integer({ min: 0, max: 0xffff }));
    checkDecoder(
      decodeEtherPayload,
      hostile(etherPayloadArb.map((p) => p.payload)),
      types.map((type) => (out) => {
        out.etherType = type;
      }),
    );
  });
});
