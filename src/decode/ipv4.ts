// IPv4 header (RFC 791): addresses, TTL, protocol and fragment facts; the transport is decoded next.

import type { DecodedFrame } from './decoded-frame';
import { stop } from './decoded-frame';
import { decodeIpPayload } from './ip-proto';

/** The header without options: IHL 5. */
export const IPV4_MIN_HLEN = 20;
/** Octet offsets of the fields netgap reads. */
const IPV4_VER_IHL = 0;
const IPV4_TOTAL_LENGTH = 2;
const IPV4_FLAGS_FRAGMENT_OFFSET = 6;
const IPV4_TTL = 8;
const IPV4_PROTOCOL = 9;
const IPV4_SRC = 12;
const IPV4_DST = 16;
/** More Fragments flag and the 13-bit Fragment Offset in the flags/offset word. */
const IPV4_MF = 0x2000;
const IPV4_FRAGMENT_OFFSET_MASK = 0x1fff;

export function decodeIpv4(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < IPV4_MIN_HLEN) return stop(out, 'truncated-ipv4');
  // The reads up to the options check lie inside [off, off + IPV4_MIN_HLEN), checked just above.
  const verIhl = buf[off + IPV4_VER_IHL]!;
  if (verIhl >> 4 !== 4) return stop(out, 'ipv4-bad-version');
  const hlen = (verIhl & 0x0f) * 4;
  if (hlen < IPV4_MIN_HLEN) return stop(out, 'ipv4-bad-ihl');
  const totalLength = out.view.getUint16(off + IPV4_TOTAL_LENGTH);
  // 0 is what a host capturing its own TCP segmentation offload sends before the NIC fills it
  // in (Wireshark's "TSO" case): the captured bytes are the packet. Any other value must at
  // least cover the header.
  if (totalLength !== 0 && totalLength < hlen) return stop(out, 'ipv4-bad-total-length');
  out.ipVersion = 4;
  out.ipTtl = buf[off + IPV4_TTL]!;
  out.ipProto = buf[off + IPV4_PROTOCOL]!;
  out.ip4Src = out.view.getUint32(off + IPV4_SRC);
  out.ip4Dst = out.view.getUint32(off + IPV4_DST);
  const flagsOffset = out.view.getUint16(off + IPV4_FLAGS_FRAGMENT_OFFSET);
  const fragmentOffset = flagsOffset & IPV4_FRAGMENT_OFFSET_MASK;
  out.ipFragment = (flagsOffset & IPV4_MF) !== 0 || fragmentOffset > 0;
  out.ipLaterFragment = fragmentOffset > 0;
  // Options are not decoded, but the transport starts after them.
  if (end - off < hlen) return stop(out, 'truncated-ipv4');
  // A later fragment starts mid-datagram: what follows the header is not a transport header.
  if (out.ipLaterFragment) return off + hlen;
  // Ethernet pads frames to 60 octets, so bytes past the total length are padding, not
  // transport. A total length past the captured bytes (snaplen, TSO) leaves `end` as it is.
  const ipEnd = totalLength === 0 ? end : Math.min(end, off + totalLength);
  return decodeIpPayload(buf, off + hlen, ipEnd, out);
}
