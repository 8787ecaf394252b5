import { describe, test } from 'vitest';
import { decodeTcp } from '../../src/decode/tcp';
import { hostile, tcpArb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeTcp under fast-check', () => {
  test('any TCP-like header, any data offset, decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeTcp, hostile(tcpArb));
  });
});
