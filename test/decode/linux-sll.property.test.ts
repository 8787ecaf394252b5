import { describe, test } from 'vitest';
import { decodeLinuxSll } from '../../src/decode/linux-sll';
import { hostile, sllArb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeLinuxSll under fast-check', () => {
  test('any SLL-like frame decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeLinuxSll, hostile(sllArb));
  });
});
