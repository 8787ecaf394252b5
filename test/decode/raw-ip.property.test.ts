import { describe, test } from 'vitest';
import { decodeRawIp } from '../../src/decode/raw-ip';
import { hostile, rawIpArb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeRawIp under fast-check', () => {
  test('any bare IP packet decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeRawIp, hostile(rawIpArb));
  });
});
