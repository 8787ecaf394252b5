import { describe, expect, test } from 'vitest';
import { L4 } from '../../src/decode/decoded-frame';
import { decodeIcmp, ICMP_ECHO_LEN, ICMP_MIN_LEN, ICMP_TYPE } from '../../src/decode/icmp';
import { echo, expectTruncatedAtEveryLength, icmp, reasonOf, run } from './build';

describe('decodeIcmp', () => {
  test('a message cut inside type, code and checksum is truncated-icmp and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeIcmp, echo(ICMP_TYPE.ECHO_REQUEST, 1, 1), ICMP_MIN_LEN, 'truncated-icmp');
  });

  test.each([
    ['echo request', ICMP_TYPE.ECHO_REQUEST],
    ['echo reply', ICMP_TYPE.ECHO_REPLY],
  ])('an %s gives type, code, identifier and sequence', (_name, type) => {
    const { next, out } = run(decodeIcmp, echo(type, 0xbeef, 0x0102));
    expect(next).toBe(ICMP_ECHO_LEN);
    expect(out).toMatchObject({ reason: -1, l4: L4.ICMP, icmpType: type, icmpCode: 0, icmpEchoId: 0xbeef, icmpEchoSeq: 0x0102 });
  });

  test('an echo cut before its identifier and sequence is truncated-icmp and keeps type and code', () => {
    const message = echo(ICMP_TYPE.ECHO_REQUEST, 1, 2);
    for (let len = ICMP_MIN_LEN; len < ICMP_ECHO_LEN; len++) {
      const { next, out } = run(decodeIcmp, Buffer.from(message.subarray(0, len)));
      expect(next).toBeLessThan(0);
      expect(reasonOf(out)).toBe('truncated-icmp');
      expect(out).toMatchObject({ l4: L4.ICMP, icmpType: 8, icmpEchoId: -1, icmpEchoSeq: -1 });
    }
  });

  test('any other message (port unreachable) gives type and code only', () => {
    const { next, out } = run(decodeIcmp, icmp(3, 3, [0, 0, 0, 0, 0x45, 0]));
    expect(next).toBe(ICMP_MIN_LEN);
    expect(out).toMatchObject({ reason: -1, l4: L4.ICMP, icmpType: 3, icmpCode: 3, icmpEchoId: -1 });
  });
});
