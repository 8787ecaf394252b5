// The one EtherType dispatch table (IEEE Registration Authority EtherType list; Zeek's ethernet/main.zeek).

import type { DecodedFrame } from './decoded-frame';
import type { Decoder } from './frame';
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
 * EtherType -> decoder. A new protocol is one entry here. Link layers (Ethernet, SLL, SLL2) set
 * `out.etherType` and call `decodeEtherPayload`.
 */
const ETHERTYPE_DECODERS: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [ETHERTYPE.ARP, decodeArp],
  [ETHERTYPE.RARP, decodeRarp],
  [ETHERTYPE.IPV4, decodeIpv4],
  [ETHERTYPE.IPV6, decodeIpv6],
  [ETHERTYPE.VLAN, decodeVlanTag],
  [ETHERTYPE.QINQ, decodeVlanTag],
  [ETHERTYPE.QINQ_LEGACY, decodeVlanTag],
]);

/**
 * Decode the payload at `off` named by `out.etherType`. An EtherType with no entry, or an 802.3
 * length (LLC), is a payload netgap does not decode, not a malformed frame: decoding ends there
 * cleanly. Hot path: one Map lookup per layer.
 */
export function decodeEtherPayload(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  let next = off;
  // A VLAN tag names another EtherType (gopacket's NextLayerType), so look up again after each
  // tag. The loop lives here rather than in vlan.ts so that vlan.ts need not import this table;
  // it ends because each tag consumes 4 bytes and vlan.ts caps the depth.
  for (;;) {
    if (out.etherType < ETHERTYPE_MIN) {
      out.etherType = 0; // no EtherType: the field held a length
      return next;
    }
    const decoder = ETHERTYPE_DECODERS.get(out.etherType);
    if (decoder === undefined) return next;
    next = decoder(buf, next, end, out);
    if (next < 0 || decoder !== decodeVlanTag) return next;
  }
}
