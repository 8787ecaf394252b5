import fc from 'fast-check';
import { describe, test } from 'vitest';
import type { DecodedFrame } from '../../src/decode/decoded-frame';
import { ETHERTYPE } from '../../src/decode/ethertype';
import { decodeVlanTag, VLAN_MAX_DEPTH } from '../../src/decode/vlan';
import { hostile, randomBytes } from './arbitraries';
import { checkDecoder } from './property';

describe('decodeVlanTag under fast-check', () => {
  test('any tag at any depth up to the cap decodes to a tag or a reason, reading only [off, end)', () => {
    const callers = fc
      .tuple(fc.constantFrom(ETHERTYPE.VLAN, ETHERTYPE.QINQ, ETHERTYPE.QINQ_LEGACY), fc.integer({ min: 0, max: VLAN_MAX_DEPTH }))
      .map(([tpid, depth]) => (out: DecodedFrame) => {
        out.etherType = tpid;
        out.vlanDepth = depth;
        if (depth > 0) out.vlan = 1;
      });
    checkDecoder(decodeVlanTag, hostile(randomBytes(8)), callers);
  });
});
