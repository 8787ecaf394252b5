import { describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import { L4 } from '../../src/decode/decoded-frame';
import { decodeRawIp } from '../../src/decode/raw-ip';
import { decodeBytes, expectTruncatedAtEveryLength, ipv4, ipv6, reasonOf, run, tcp, udp } from './build';

const UDP_V4 = ipv4({ proto: 17, payload: udp(1, 53) });
const UDP_V6 = ipv6({ next: 17, payload: udp(1, 53) });

describe('decodeRawIp (LINKTYPE_RAW)', () => {
  test('an empty frame has no version nibble: truncated-raw-ip and nothing else', () => {
    expectTruncatedAtEveryLength(decodeRawIp, UDP_V4, 1, 'truncated-raw-ip');
  });

  test('version 4 is decoded as IPv4 and version 6 as IPv6', () => {
    expect(run(decodeRawIp, UDP_V4).out).toMatchObject({ reason: -1, ipVersion: 4, l4: L4.UDP });
    expect(run(decodeRawIp, UDP_V6).out).toMatchObject({ reason: -1, ipVersion: 6, l4: L4.UDP });
  });

  test('any other version is raw-ip-bad-version', () => {
    expect(reasonOf(run(decodeRawIp, ipv4({ proto: 17, version: 5 })).out)).toBe('raw-ip-bad-version');
  });

  test('a version-4 frame cut short is reported by the IPv4 decoder', () => {
    expect(reasonOf(run(decodeRawIp, UDP_V4, 10).out)).toBe('truncated-ipv4');
  });
});

describe('LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229)', () => {
  test('each carries only its own IP version', () => {
    expect(decodeBytes(LINKTYPE.IPV4, UDP_V4)).toMatchObject({ reason: -1, ipVersion: 4, l4: L4.UDP });
    expect(decodeBytes(LINKTYPE.IPV6, UDP_V6)).toMatchObject({ reason: -1, ipVersion: 6, l4: L4.UDP });
    expect(reasonOf(decodeBytes(LINKTYPE.IPV4, UDP_V6))).toBe('ipv4-bad-version');
    // Long enough for the 40-octet IPv6 header, so the version is what fails.
    const tcpV4 = ipv4({ proto: 6, payload: tcp(1, 2, 0x02) });
    expect(reasonOf(decodeBytes(LINKTYPE.IPV6, tcpV4))).toBe('ipv6-bad-version');
  });
});
