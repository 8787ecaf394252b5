import { describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import { L4 } from '../../src/decode/decoded-frame';
import { ETHERTYPE } from '../../src/decode/ethertype';
import { decodeLinuxSll2, SLL2_HLEN } from '../../src/decode/linux-sll2';
import { MAC_B, arp, bytes, decodeBytes, echo, expectTruncatedAtEveryLength, ipv6, mac, macNumber, run, sll2, vlanTag } from './build';

describe('decodeLinuxSll2', () => {
  test('a frame cut inside the 20-octet header is truncated-sll2 and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeLinuxSll2, sll2(ETHERTYPE.IPV4, []), SLL2_HLEN, 'truncated-sll2');
  });

  test('the protocol type comes first and a 6-octet address is the link source', () => {
    const { next, out } = run(decodeLinuxSll2, sll2(0x88b5, [], mac(MAC_B)));
    expect(next).toBe(SLL2_HLEN);
    expect(out).toMatchObject({ reason: -1, hasLinkSrc: true, linkSrc: macNumber(MAC_B), linkDst: -1, etherType: 0x88b5 });
  });

  test('no address gives no link source', () => {
    expect(run(decodeLinuxSll2, sll2(ETHERTYPE.IPV4, [], [])).out.hasLinkSrc).toBe(false);
  });

  test('RARP over SLL2 is decoded and flagged', () => {
    const out = decodeBytes(LINKTYPE.LINUX_SLL2, sll2(ETHERTYPE.RARP, arp({ op: 3 })));
    expect(out).toMatchObject({ reason: -1, isArp: true, isRarp: true, arpOp: 3 });
  });

  test('an 802.1Q tag over SLL2 is followed to the IPv6 packet inside', () => {
    const out = decodeBytes(LINKTYPE.LINUX_SLL2, sll2(ETHERTYPE.VLAN, bytes(vlanTag(9, ETHERTYPE.IPV6), ipv6({ next: 58, payload: echo(129, 4, 5) }))));
    expect(out).toMatchObject({ reason: -1, vlan: 9, l4: L4.ICMPV6, icmpType: 129, icmpEchoSeq: 5 });
  });
});
