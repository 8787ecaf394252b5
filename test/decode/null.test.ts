import { describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import { L4 } from '../../src/decode/decoded-frame';
import { AF_INET, AF_INET6_BSD, AF_INET6_DARWIN, AF_INET6_FREEBSD, decodeLoop, decodeNull, NULL_HLEN } from '../../src/decode/null';
import { bytes, decodeBytes, expectTruncatedAtEveryLength, ipv4, ipv6, reasonOf, u32, udp } from './build';

function littleEndian(family: number): number[] {
  return u32(family).reverse();
}

const UDP_V4 = ipv4({ proto: 17, payload: udp(1, 53) });
const UDP_V6 = ipv6({ next: 17, payload: udp(1, 53) });
/** AF_APPLETALK: a real family, but not one netgap decodes. */
const AF_APPLETALK = 16;

describe('decodeNull (LINKTYPE_NULL)', () => {
  test('a frame cut inside the 4-octet family is truncated-null and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeNull, bytes(littleEndian(AF_INET), UDP_V4), NULL_HLEN, 'truncated-null');
  });

  test.each([
    ['little-endian', littleEndian(AF_INET)],
    ['big-endian', u32(AF_INET)],
  ])('AF_INET written by a %s host is IPv4', (_name, family) => {
    expect(decodeBytes(LINKTYPE.NULL, bytes(family, UDP_V4))).toMatchObject({ reason: -1, ipVersion: 4, l4: L4.UDP, hasLinkSrc: false, etherType: 0 });
  });

  test.each([
    ['NetBSD/OpenBSD', AF_INET6_BSD],
    ['FreeBSD', AF_INET6_FREEBSD],
    ['macOS', AF_INET6_DARWIN],
  ])('the %s AF_INET6 value is IPv6 in either byte order', (_name, family) => {
    expect(decodeBytes(LINKTYPE.NULL, bytes(littleEndian(family), UDP_V6))).toMatchObject({ reason: -1, ipVersion: 6, l4: L4.UDP });
    expect(decodeBytes(LINKTYPE.NULL, bytes(u32(family), UDP_V6))).toMatchObject({ reason: -1, ipVersion: 6, l4: L4.UDP });
  });

  test('a family that is not IP is null-bad-family', () => {
    expect(reasonOf(decodeBytes(LINKTYPE.NULL, bytes(littleEndian(AF_APPLETALK), [0, 0])))).toBe('null-bad-family');
  });
});

describe('decodeLoop (LINKTYPE_LOOP)', () => {
  test('a frame cut inside the 4-octet family is truncated-null and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeLoop, bytes(u32(AF_INET), UDP_V4), NULL_HLEN, 'truncated-null');
  });

  test('the family is in network byte order', () => {
    expect(decodeBytes(LINKTYPE.LOOP, bytes(u32(AF_INET), UDP_V4))).toMatchObject({ reason: -1, ipVersion: 4 });
    expect(decodeBytes(LINKTYPE.LOOP, bytes(u32(AF_INET6_BSD), UDP_V6))).toMatchObject({ reason: -1, ipVersion: 6 });
  });

  test('a little-endian family is not accepted on LOOP', () => {
    expect(reasonOf(decodeBytes(LINKTYPE.LOOP, bytes(littleEndian(AF_INET), UDP_V4)))).toBe('null-bad-family');
  });
});
