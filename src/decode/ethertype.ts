// The one EtherType dispatch table (IEEE Registration Authority EtherType list; Zeek's ethernet/main.zeek).

import type { DecodedFrame } from './decoded-frame';
import { decodeArp, decodeRarp } from './arp';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';
import { decodeVlanTag } from './vlan';

/** EtherTypes netgap decodes. */
export const ETHERTYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  /** RARP (RFC 903). */
  RARP: 0x8035,
  /** IEEE 802.1Q customer VLAN tag. */
  VLAN: 0x8100,
  /** IEEE 802.1ad service VLAN tag (QinQ outer tag). */
  QINQ: 0x88a8,
  /** Pre-802.1ad QinQ outer tag, still sent by some switches. */
  QINQ_LEGACY: 0x9100,
  IPV6: 0x86dd,
} as const;

/**
 * Values below 0x0600 (1536) are an IEEE 802.3 length, not an EtherType (802.3 §3.2.6), and LLC
 * follows (STP, CDP, SNAP); SLL uses the same range for Linux pseudo-types (ETH_P_802_2 ...).
 */
export const ETHERTYPE_MIN = 0x0600;

/**
 * Decode the payload at `off` named by `out.etherType`: the EtherType table, one case per
 * protocol (a switch, not a Map: see decodeLink in frame.ts). Link layers (Ethernet, SLL, SLL2)
 * set `out.etherType` and call this. An EtherType with no case, or an 802.3 length (LLC), is a
 * payload netgap does not decode, not a malformed frame: decoding ends there cleanly.
 */
export function decodeEtherPayload(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  let next = off;
  // A VLAN tag names another EtherType (gopacket's NextLayerType), so the table is read again
  // after each tag. The loop lives here rather than in vlan.ts so that vlan.ts need not import
  // this table; it ends because each tag consumes 4 bytes and vlan.ts caps the depth.
  for (;;) {
    switch (out.etherType) {
      case ETHERTYPE.IPV4:
        return decodeIpv4(buf, next, end, out);
      case ETHERTYPE.ARP:
        return decodeArp(buf, next, end, out);
      case ETHERTYPE.IPV6:
        return decodeIpv6(buf, next, end, out);
      case ETHERTYPE.RARP:
        return decodeRarp(buf, next, end, out);
      case ETHERTYPE.VLAN:
      case ETHERTYPE.QINQ:
      case ETHERTYPE.QINQ_LEGACY:
        next = decodeVlanTag(buf, next, end, out);
        if (next < 0) return next;
        continue;
      default:
        if (out.etherType < ETHERTYPE_MIN) out.etherType = 0; // no EtherType: the field held a length
        return next;
    }
  }
}
