// IPv6 header and extension header chain (RFC 8200; AH per RFC 4302); the transport is decoded next.

import type { DecodedFrame } from './decoded-frame';
import { stop } from './decoded-frame';
import { decodeIpPayload } from './ip-proto';

/** The fixed header. */
export const IPV6_HLEN = 40;
/** Octet offsets of the fields netgap reads. */
const IPV6_PAYLOAD_LENGTH = 4;
const IPV6_NEXT_HEADER = 6;
const IPV6_HOP_LIMIT = 7;
const IPV6_SRC = 8;
const IPV6_DST = 24;

/** Next Header values of the extension headers netgap walks, and No Next Header. */
export const IPV6_NEXT = {
  HOP_BY_HOP: 0,
  ROUTING: 43,
  FRAGMENT: 44,
  AH: 51,
  NO_NEXT_HEADER: 59,
  DESTINATION_OPTIONS: 60,
} as const;
/** Next Header (1) + Hdr Ext Len (1): enough to find any extension header's length. */
const IPV6_EXT_MIN_LEN = 2;
/** The Fragment header has no length field: it is always 8 octets (RFC 8200 §4.5). */
const IPV6_FRAGMENT_HLEN = 8;
/** Fragment Offset: the high 13 bits of the Fragment header's second 16-bit word. */
const IPV6_FRAGMENT_OFFSET_SHIFT = 3;
/**
 * Most extension headers walked. RFC 8200 §4.1 wants each header at most once and Destination
 * Options at most twice, so a valid chain of the kinds walked here is at most 6 long; 8 leaves
 * room for odd senders, while a chain of garbage is counted as 'ipv6-ext-too-many' instead.
 */
export const IPV6_MAX_EXT_HEADERS = 8;

export function decodeIpv6(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < IPV6_HLEN) return stop(out, 'truncated-ipv6');
  // The fixed-header reads lie inside [off, off + IPV6_HLEN), checked just above.
  if (buf[off]! >> 4 !== 6) return stop(out, 'ipv6-bad-version');
  out.ipVersion = 6;
  out.ipTtl = buf[off + IPV6_HOP_LIMIT]!;
  out.ip6SrcOff = off + IPV6_SRC;
  out.ip6DstOff = off + IPV6_DST;
  const payloadLength = out.view.getUint16(off + IPV6_PAYLOAD_LENGTH);
  // Bytes past the payload length are Ethernet padding. 0 is a jumbogram (RFC 2675) or a host's
  // own TSO segment: the captured bytes are the packet. A longer claim (snaplen) changes nothing.
  const ipEnd = payloadLength === 0 ? end : Math.min(end, off + IPV6_HLEN + payloadLength);
  let next = buf[off + IPV6_NEXT_HEADER]!;
  let pos = off + IPV6_HLEN;
  for (let walked = 0; isExtensionHeader(next); walked++) {
    if (walked === IPV6_MAX_EXT_HEADERS) return stop(out, 'ipv6-ext-too-many');
    if (ipEnd - pos < IPV6_EXT_MIN_LEN) return stop(out, 'truncated-ipv6-ext');
    // Both length octets lie inside [pos, pos + IPV6_EXT_MIN_LEN), checked just above.
    const extNext = buf[pos]!;
    const extLen = buf[pos + 1]!;
    let len: number;
    if (next === IPV6_NEXT.FRAGMENT) len = IPV6_FRAGMENT_HLEN;
    else if (next === IPV6_NEXT.AH)
      len = (extLen + 2) * 4; // RFC 4302 §2.2: 32-bit words, minus 2
    else len = (extLen + 1) * 8; // RFC 8200 §4.3: 8-octet units, not counting the first 8
    if (ipEnd - pos < len) return stop(out, 'truncated-ipv6-ext');
    if (next === IPV6_NEXT.FRAGMENT) {
      // The word lies inside [pos, pos + IPV6_FRAGMENT_HLEN), checked just above.
      const offsetAndFlags = out.view.getUint16(pos + 2);
      // Any Fragment header makes a fragment, even an atomic one (offset 0, M clear; RFC 6946),
      // as the DecodedFrame contract defines ipFragment.
      out.ipFragment = true;
      if (offsetAndFlags >> IPV6_FRAGMENT_OFFSET_SHIFT > 0) out.ipLaterFragment = true;
    }
    next = extNext;
    pos += len;
  }
  out.ipProto = next;
  // No Next Header: nothing follows (RFC 8200 §4.7). A later fragment carries no transport header.
  if (next === IPV6_NEXT.NO_NEXT_HEADER || out.ipLaterFragment) return pos;
  return decodeIpPayload(buf, pos, ipEnd, out);
}

function isExtensionHeader(next: number): boolean {
  return (
    next === IPV6_NEXT.HOP_BY_HOP ||
    next === IPV6_NEXT.ROUTING ||
    next === IPV6_NEXT.FRAGMENT ||
    next === IPV6_NEXT.DESTINATION_OPTIONS ||
    next === IPV6_NEXT.AH
  );
}
