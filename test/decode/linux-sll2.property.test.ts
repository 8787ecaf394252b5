import { describe, test } from 'vitest';
import { decodeLinuxSll2 } from '../../src/decode/linux-sll2';
import { hostile, sll2Arb } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeLinuxSll2 under fast-check', () => {
  test('any SLL2-like frame decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeLinuxSll2, hostile(sll2Arb));
  });
});
