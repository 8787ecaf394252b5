import { describe, expect, test } from 'vitest';
import { LINKTYPE } from '../../src/frame';
import { DecodedFrame, L4, TCP_FLAG } from '../../src/decode/decoded-frame';
import { ETHERTYPE } from '../../src/decode/ethertype';
import { decodeFrame } from '../../src/decode/link';
import { MAC_A, arp, bytes, decodeBytes, ethernet, frameOf, ip4Number, ipv4, macNumber, reasonOf, tcp, vlanTag } from './build';

const TCP_SYN = ethernet(ETHERTYPE.VLAN, bytes(vlanTag(10, ETHERTYPE.IPV4), ipv4({ proto: 6, payload: tcp(1, 2, TCP_FLAG.SYN) })));
const ARP_REQUEST = ethernet(ETHERTYPE.ARP, arp({ op: 1 }));

describe('decodeFrame', () => {
  test('a link type with no decoder is unsupported-link-type, with nothing else set', () => {
    const out = decodeBytes(160, TCP_SYN);
    expect(reasonOf(out)).toBe('unsupported-link-type');
    const fresh = new DecodedFrame();
    fresh.reset(TCP_SYN);
    fresh.reason = out.reason;
    expect(out).toEqual(fresh);
  });

  test('reusing one object, nothing from the previous frame survives into the next', () => {
    const out = new DecodedFrame();
    decodeFrame(frameOf(LINKTYPE.ETHERNET, TCP_SYN, 1500), out);
    expect(out).toMatchObject({ l4: L4.TCP, vlan: 10, incomplete: true });
    decodeFrame(frameOf(LINKTYPE.ETHERNET, ARP_REQUEST), out);
    const alone = decodeBytes(LINKTYPE.ETHERNET, ARP_REQUEST);
    expect(out).toEqual(alone);
    expect(out).toMatchObject({ l4: L4.NONE, vlan: -1, ipVersion: 0, incomplete: false, isArp: true });
  });

  test('incomplete is set when the captured length is shorter than the original length', () => {
    expect(decodeBytes(LINKTYPE.ETHERNET, ARP_REQUEST, ARP_REQUEST.length + 1).incomplete).toBe(true);
    expect(decodeBytes(LINKTYPE.ETHERNET, ARP_REQUEST).incomplete).toBe(false);
  });

  test('a frame in the middle of a larger buffer is decoded at its offset, with offsets into that buffer', () => {
    const buf = bytes(new Array<number>(100).fill(0xff), ARP_REQUEST, new Array<number>(50).fill(0xff));
    const frame = frameOf(LINKTYPE.ETHERNET, buf);
    frame.off = 100;
    frame.capLen = ARP_REQUEST.length;
    const out = new DecodedFrame();
    decodeFrame(frame, out);
    expect(out.buf).toBe(buf);
    expect(out).toMatchObject({ reason: -1, linkSrc: macNumber(MAC_A), arpShaOff: 100 + 14 + 8, arpSpa: ip4Number('192.0.2.10') });
  });

  test('a capLen running past the buffer is clamped to it instead of throwing', () => {
    const frame = frameOf(LINKTYPE.ETHERNET, ARP_REQUEST.subarray(0, 30));
    frame.capLen = 9999;
    const out = new DecodedFrame();
    expect(() => decodeFrame(frame, out)).not.toThrow();
    expect(reasonOf(out)).toBe('truncated-arp');
  });
});
