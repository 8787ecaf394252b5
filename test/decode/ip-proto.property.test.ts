import fc from 'fast-check';
import { describe, test } from 'vitest';
import { decodeIpPayload, IPPROTO } from '../../src/decode/ip-proto';
import { hostile, transportArb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeIpPayload under fast-check', () => {
  test('any transport under any protocol number decodes to a frame or a reason, reading only [off, end)', () => {
    const protos = fc.oneof(fc.constantFrom(...Object.values(IPPROTO)), fc.integer({ min: 0, max: 255 }));
    checkDecoder(
      decodeIpPayload,
      hostile(transportArb.map((t) => t.payload)),
      protos.map((proto) => (out) => {
        out.ipProto = proto;
      }),
    );
  });
});
