import { describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import { ETHERTYPE } from '../../src/decode/ethertype';
import { decodeVlanTag, VLAN_MAX_DEPTH, VLAN_TAG_LEN } from '../../src/decode/vlan';
import { arp, bytes, decodeBytes, ethernet, expectTruncatedAtEveryLength, ipv4, reasonOf, run, vlanTag } from './build';

/** `count` tags around an IPv4 packet, the outermost VID 1, then 2, 3 ... */
function stacked(count: number, tpid: number = ETHERTYPE.VLAN): Buffer {
  const tags: number[] = [];
  for (let i = 1; i <= count; i++) tags.push(...vlanTag(i, i === count ? ETHERTYPE.IPV4 : tpid));
  return ethernet(tpid, bytes(tags, ipv4({ proto: 253 })));
}

describe('decodeVlanTag', () => {
  test('a tag cut anywhere inside its 4 octets is truncated-vlan and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeVlanTag, Buffer.from(vlanTag(100, ETHERTYPE.IPV4)), VLAN_TAG_LEN, 'truncated-vlan', (out) => {
      out.etherType = ETHERTYPE.VLAN;
    });
  });

  test('one tag reads the 12-bit VID without the priority bits and the EtherType it wraps', () => {
    const { next, out } = run(decodeVlanTag, Buffer.from([0xef, 0xff, 0x08, 0x06]), VLAN_TAG_LEN, (o) => {
      o.etherType = ETHERTYPE.VLAN;
    });
    expect(next).toBe(VLAN_TAG_LEN);
    expect(out.vlan).toBe(0xfff);
    expect(out.innerVlan).toBe(-1);
    expect(out.vlanDepth).toBe(1);
    expect(out.etherType).toBe(ETHERTYPE.ARP);
  });

  test('an 802.1Q-tagged IPv4 frame gives the VID and decodes the IP packet inside', () => {
    const out = decodeBytes(LINKTYPE.ETHERNET, stacked(1));
    expect(out.reason).toBe(-1);
    expect(out.vlan).toBe(1);
    expect(out.innerVlan).toBe(-1);
    expect(out.vlanDepth).toBe(1);
    expect(out.etherType).toBe(ETHERTYPE.IPV4);
    expect(out.ipVersion).toBe(4);
  });

  test.each([
    ['802.1ad', ETHERTYPE.QINQ],
    ['legacy 0x9100', ETHERTYPE.QINQ_LEGACY],
  ])('QinQ with an %s outer tag gives the outer VID in vlan and the inner one in innerVlan', (_name, tpid) => {
    const frame = ethernet(tpid, bytes(vlanTag(200, ETHERTYPE.VLAN), vlanTag(100, ETHERTYPE.ARP), arp({ op: 1 })));
    const out = decodeBytes(LINKTYPE.ETHERNET, frame);
    expect(out.reason).toBe(-1);
    expect([out.vlan, out.innerVlan, out.vlanDepth]).toEqual([200, 100, 2]);
    expect(out.isArp).toBe(true);
  });

  test('with three tags innerVlan is the innermost one', () => {
    const out = decodeBytes(LINKTYPE.ETHERNET, stacked(3));
    expect([out.vlan, out.innerVlan, out.vlanDepth]).toEqual([1, 3, 3]);
    expect(out.ipVersion).toBe(4);
  });

  test(`${VLAN_MAX_DEPTH} tags are followed; one more is vlan-too-deep, with the tags before it kept`, () => {
    expect(decodeBytes(LINKTYPE.ETHERNET, stacked(VLAN_MAX_DEPTH)).reason).toBe(-1);
    const out = decodeBytes(LINKTYPE.ETHERNET, stacked(VLAN_MAX_DEPTH + 1));
    expect(reasonOf(out)).toBe('vlan-too-deep');
    expect(out.vlanDepth).toBe(VLAN_MAX_DEPTH);
    expect(out.vlan).toBe(1);
    expect(out.ipVersion).toBe(0);
  });

  test('a tag wrapping an 802.3 length (LLC) ends decoding cleanly with no EtherType', () => {
    const out = decodeBytes(LINKTYPE.ETHERNET, ethernet(ETHERTYPE.VLAN, bytes(vlanTag(5, 0x0026), [0x42, 0x42, 0x03])));
    expect(out.reason).toBe(-1);
    expect(out.vlan).toBe(5);
    expect(out.etherType).toBe(0);
  });

  test('a frame cut after the outer tag of a QinQ stack is truncated-vlan with the outer tag kept', () => {
    const out = decodeBytes(LINKTYPE.ETHERNET, ethernet(ETHERTYPE.QINQ, bytes(vlanTag(200, ETHERTYPE.VLAN), [0x00])));
    expect(reasonOf(out)).toBe('truncated-vlan');
    expect([out.vlan, out.vlanDepth]).toEqual([200, 1]);
  });
});
