import { describe, expect, test } from 'vitest';
import { L4 } from '../../src/decode/decoded-frame';
import { decodeEtherPayload, ETHERTYPE, ETHERTYPE_MIN } from '../../src/decode/ethertype';
import { arp, bytes, ipv4, ipv6, run, udp, vlanTag } from './build';

function dispatch(etherType: number, payload: Buffer) {
  return run(decodeEtherPayload, payload, payload.length, (out) => {
    out.etherType = etherType;
  });
}

describe('decodeEtherPayload', () => {
  test('0x0806 is ARP and 0x8035 is RARP, the same decoder with isRarp set', () => {
    expect(dispatch(ETHERTYPE.ARP, arp({ op: 1 })).out).toMatchObject({ isArp: true, isRarp: false });
    expect(dispatch(ETHERTYPE.RARP, arp({ op: 3 })).out).toMatchObject({ isArp: true, isRarp: true, arpOp: 3 });
  });

  test('0x0800 is IPv4 and 0x86dd is IPv6', () => {
    expect(dispatch(ETHERTYPE.IPV4, ipv4({ proto: 17, payload: udp(1, 2) })).out).toMatchObject({ ipVersion: 4, l4: L4.UDP });
    expect(dispatch(ETHERTYPE.IPV6, ipv6({ next: 17, payload: udp(1, 2) })).out).toMatchObject({ ipVersion: 6, l4: L4.UDP });
  });

  test.each([
    ['0x8100', ETHERTYPE.VLAN],
    ['0x88a8', ETHERTYPE.QINQ],
    ['0x9100', ETHERTYPE.QINQ_LEGACY],
  ])('%s is a VLAN tag, and the EtherType it wraps is dispatched again', (_name, tpid) => {
    const { next, out } = dispatch(tpid, bytes(vlanTag(7, ETHERTYPE.ARP), arp({ op: 2 })));
    expect(out.reason).toBe(-1);
    expect(out.vlan).toBe(7);
    expect(out.isArp).toBe(true);
    expect(next).toBe(4 + 28);
  });

  test('an EtherType with no decoder ends decoding cleanly at the payload', () => {
    const { next, out } = dispatch(0x88cc, Buffer.from([1, 2, 3])); // LLDP
    expect(next).toBe(0);
    expect(out.reason).toBe(-1);
    expect(out.etherType).toBe(0x88cc);
  });

  test('a value below 0x0600 is a length, not an EtherType: etherType becomes 0', () => {
    const { next, out } = dispatch(ETHERTYPE_MIN - 1, Buffer.from([0x42, 0x42, 0x03]));
    expect(next).toBe(0);
    expect(out.reason).toBe(-1);
    expect(out.etherType).toBe(0);
  });
});
