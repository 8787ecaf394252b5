import { describe, expect, test } from 'vitest';
import { L4 } from '../../src/decode/decoded-frame';
import { decodeIcmpv6, ICMPV6_ECHO_LEN, ICMPV6_MIN_LEN, ICMPV6_ND_LEN, ICMPV6_TYPE } from '../../src/decode/icmpv6';
import { bytes, echo, expectTruncatedAtEveryLength, icmp, ip6, reasonOf, run } from './build';

const NA_ROUTER = 0x80;
const NA_SOLICITED = 0x40;
const NA_OVERRIDE = 0x20;

/** NS: reserved 4 octets, target, and a source link-layer address option. */
function neighborSolicitation(target: number[]): Buffer {
  return icmp(ICMPV6_TYPE.NEIGHBOR_SOLICITATION, 0, bytes([0, 0, 0, 0], target, [1, 1, 2, 0, 0, 0, 0, 0x0a]));
}

function neighborAdvertisement(flags: number, target: number[]): Buffer {
  return icmp(ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT, 0, bytes([flags, 0, 0, 0], target));
}

describe('decodeIcmpv6', () => {
  test('a message cut inside type, code and checksum is truncated-icmpv6 and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeIcmpv6, echo(ICMPV6_TYPE.ECHO_REQUEST, 1, 1), ICMPV6_MIN_LEN, 'truncated-icmpv6');
  });

  test.each([
    ['echo request', ICMPV6_TYPE.ECHO_REQUEST],
    ['echo reply', ICMPV6_TYPE.ECHO_REPLY],
  ])('an %s gives type, code, identifier and sequence', (_name, type) => {
    const { next, out } = run(decodeIcmpv6, echo(type, 0x0a0b, 65535));
    expect(next).toBe(ICMPV6_ECHO_LEN);
    expect(out).toMatchObject({ reason: -1, l4: L4.ICMPV6, icmpType: type, icmpCode: 0, icmpEchoId: 0x0a0b, icmpEchoSeq: 65535 });
  });

  test('a neighbour solicitation gives the target offset and no NA flags', () => {
    const message = neighborSolicitation(ip6(9));
    const { next, out } = run(decodeIcmpv6, message);
    expect(next).toBe(ICMPV6_ND_LEN);
    expect(out).toMatchObject({ reason: -1, icmpType: 135, ndTargetOff: 8, ndFlags: 0, icmpEchoId: -1 });
    expect([...message.subarray(out.ndTargetOff, out.ndTargetOff + 16)]).toEqual(ip6(9));
  });

  test.each([
    ['solicited', NA_SOLICITED | NA_OVERRIDE],
    ['unsolicited', NA_OVERRIDE],
    ['router', NA_ROUTER | NA_SOLICITED],
  ])('a %s neighbour advertisement gives the target offset and its R/S/O flags', (_name, flags) => {
    const { out } = run(decodeIcmpv6, neighborAdvertisement(flags, ip6(3)));
    expect(out).toMatchObject({ reason: -1, icmpType: 136, ndTargetOff: 8, ndFlags: flags });
  });

  test('the reserved bits of the NA flags octet are not reported as flags', () => {
    expect(run(decodeIcmpv6, neighborAdvertisement(NA_SOLICITED | 0x1f, ip6(3))).out.ndFlags).toBe(NA_SOLICITED);
  });

  test.each([
    ['an echo', echo(ICMPV6_TYPE.ECHO_REQUEST, 1, 1), ICMPV6_ECHO_LEN],
    ['an NS', neighborSolicitation(ip6(1)), ICMPV6_ND_LEN],
    ['an NA', neighborAdvertisement(NA_SOLICITED, ip6(1)), ICMPV6_ND_LEN],
  ])('%s cut after the type is truncated-icmpv6 and keeps type and code only', (_name, message, len) => {
    for (let cut = ICMPV6_MIN_LEN; cut < len; cut++) {
      const { next, out } = run(decodeIcmpv6, Buffer.from(message.subarray(0, cut)));
      expect(next).toBeLessThan(0);
      expect(reasonOf(out)).toBe('truncated-icmpv6');
      expect(out).toMatchObject({ l4: L4.ICMPV6, icmpType: message[0], icmpEchoId: -1, ndTargetOff: 0, ndFlags: 0 });
    }
  });

  test('any other message (router advertisement) gives type and code only', () => {
    const { next, out } = run(decodeIcmpv6, icmp(134, 0, new Array<number>(12).fill(0)));
    expect(next).toBe(ICMPV6_MIN_LEN);
    expect(out).toMatchObject({ reason: -1, icmpType: 134, ndTargetOff: 0 });
  });
});
