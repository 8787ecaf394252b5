import { describe, test } from 'vitest';
import { decodeEthernet } from '../../src/decode/ethernet';
import { ethernetArb, hostile } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeEthernet under fast-check', () => {
  test('any Ethernet-like input, VLAN stacks of any depth included, decodes to a frame or a reason, reading only [off, end)', () => {
    checkDecoder(decodeEthernet, hostile(ethernetArb));
  });
});
