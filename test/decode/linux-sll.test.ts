import { describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import { L4 } from '../../src/decode/decoded-frame';
import { ETHERTYPE } from '../../src/decode/ethertype';
import { decodeLinuxSll, SLL_HLEN } from '../../src/decode/linux-sll';
import { MAC_A, arp, bytes, decodeBytes, echo, expectTruncatedAtEveryLength, ipv4, macNumber, run, sll, vlanTag } from './build';

/** Linux ETH_P_802_2: an LLC frame, below 0x0600. */
const ETH_P_802_2 = 0x0004;

describe('decodeLinuxSll', () => {
  test('a frame cut inside the 16-octet header is truncated-sll and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeLinuxSll, sll(ETHERTYPE.IPV4, []), SLL_HLEN, 'truncated-sll');
  });

  test('a 6-octet address is the link source; there is no link destination', () => {
    const { next, out } = run(decodeLinuxSll, sll(0x88b5, []));
    expect(next).toBe(SLL_HLEN);
    expect(out).toMatchObject({ reason: -1, hasLinkSrc: true, linkSrc: macNumber(MAC_A), linkDst: -1, etherType: 0x88b5 });
  });

  test.each([
    ['no address (tun, ARPHRD_NONE)', []],
    ['an 8-octet address', [1, 2, 3, 4, 5, 6, 7, 8]],
  ])('%s gives no link source', (_name, address) => {
    expect(run(decodeLinuxSll, sll(ETHERTYPE.IPV4, [], address)).out.hasLinkSrc).toBe(false);
  });

  test('ARP over SLL is decoded through the EtherType table', () => {
    const out = decodeBytes(LINKTYPE.LINUX_SLL, sll(ETHERTYPE.ARP, arp({ op: 2 })));
    expect(out).toMatchObject({ reason: -1, isArp: true, arpOp: 2, arpSha: macNumber(MAC_A) });
  });

  test('an 802.1Q tag over SLL is followed to the IPv4 packet inside', () => {
    const out = decodeBytes(LINKTYPE.LINUX_SLL, sll(ETHERTYPE.VLAN, bytes(vlanTag(42, ETHERTYPE.IPV4), ipv4({ proto: 1, payload: echo(8, 1, 1) }))));
    expect(out).toMatchObject({ reason: -1, vlan: 42, vlanDepth: 1, l4: L4.ICMP, icmpType: 8 });
  });

  test('a Linux pseudo-protocol below 0x0600 (802.2 LLC) ends decoding cleanly', () => {
    const out = decodeBytes(LINKTYPE.LINUX_SLL, sll(ETH_P_802_2, [0x42, 0x42, 0x03]));
    expect(out).toMatchObject({ reason: -1, etherType: 0, hasLinkSrc: true });
  });
});
