import { describe, test } from 'vitest';
import { decodeLoop, decodeNull } from '../../src/decode/null';
import { hostile, nullArb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeNull and decodeLoop under fast-check', () => {
  test('any BSD loopback frame, in either byte order, decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeNull, hostile(nullArb));
  });
  test('LINKTYPE_LOOP: the same', () => {
    checkDecoder(decodeLoop, hostile(nullArb));
  });
});
