import { describe, expect, test } from 'vitest';
import { L4 } from '../../src/decode/decoded-frame';
import { decodeUdp, UDP_HLEN } from '../../src/decode/udp';
import { expectTruncatedAtEveryLength, run, udp } from './build';

describe('decodeUdp', () => {
  test('a header cut inside its 8 octets is truncated-udp and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeUdp, udp(53, 53), UDP_HLEN, 'truncated-udp');
  });

  test('gives both ports and returns the payload offset', () => {
    const { next, out } = run(decodeUdp, udp(68, 67, [1, 2, 3]));
    expect(next).toBe(UDP_HLEN);
    expect(out).toMatchObject({ reason: -1, l4: L4.UDP, srcPort: 68, dstPort: 67 });
  });

  test('port 65535 is read unsigned', () => {
    expect(run(decodeUdp, udp(65535, 0)).out).toMatchObject({ srcPort: 65535, dstPort: 0 });
  });
});
