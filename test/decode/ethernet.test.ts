import { describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import { L4 } from '../../src/decode/decoded-frame';
import { decodeEthernet, ETH_HLEN } from '../../src/decode/ethernet';
import { BROADCAST, MAC_A, bytes, decodeBytes, ethernet, expectTruncatedAtEveryLength, ipv4, macNumber, reasonOf, run, u16, udp } from './build';

/** IEEE 802.3 local experimental EtherType: no decoder, ever. */
const LOCAL_EXPERIMENTAL = 0x88b5;

describe('decodeEthernet', () => {
  test('a frame cut anywhere inside the 14-octet header is truncated-ethernet and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeEthernet, ethernet(0x0800, []), ETH_HLEN, 'truncated-ethernet');
  });

  test('reads both MACs as 48-bit numbers and the EtherType, and stops after the header for an EtherType it does not decode', () => {
    const { next, out } = run(decodeEthernet, ethernet(LOCAL_EXPERIMENTAL, [1, 2, 3], BROADCAST, MAC_A));
    expect(next).toBe(ETH_HLEN);
    expect(out.reason).toBe(-1);
    expect(out.linkDst).toBe(macNumber(BROADCAST));
    expect(out.linkSrc).toBe(macNumber(MAC_A));
    expect(out.hasLinkSrc).toBe(true);
    expect(out.etherType).toBe(LOCAL_EXPERIMENTAL);
  });

  test('an 802.3 length field means LLC follows: no EtherType, no payload decoded, not malformed', () => {
    const stp = bytes([0x42, 0x42, 0x03], new Array<number>(35).fill(0));
    const frame = bytes(ethernet(stp.length, stp));
    const { next, out } = run(decodeEthernet, frame);
    expect(next).toBe(ETH_HLEN);
    expect(out.reason).toBe(-1);
    expect(out.etherType).toBe(0);
    expect(out.hasLinkSrc).toBe(true);
  });

  test('0x05ff is still a length and 0x0600 is already an EtherType', () => {
    expect(run(decodeEthernet, ethernet(0x05ff, [])).out.etherType).toBe(0);
    expect(run(decodeEthernet, ethernet(0x0600, [])).out.etherType).toBe(0x0600);
  });

  test('hands the payload to the EtherType table, so IPv4 and UDP behind it are decoded too', () => {
    const out = decodeBytes(LINKTYPE.ETHERNET, ethernet(0x0800, ipv4({ proto: 17, payload: udp(5353, 53) })));
    expect(out.reason).toBe(-1);
    expect(out.ipVersion).toBe(4);
    expect(out.l4).toBe(L4.UDP);
    expect(out.dstPort).toBe(53);
  });

  test('a truncated payload is reported by the payload decoder, with the Ethernet facts kept', () => {
    const out = decodeBytes(LINKTYPE.ETHERNET, bytes(ethernet(0x0800, []), u16(0x4500)));
    expect(reasonOf(out)).toBe('truncated-ipv4');
    expect(out.linkSrc).toBe(macNumber(MAC_A));
  });
});
