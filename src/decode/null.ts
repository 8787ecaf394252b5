// BSD loopback headers: LINKTYPE_NULL 0 (host byte order) and LINKTYPE_LOOP 108 (network order).

import type { DecodedFrame } from './decoded-frame';
import { stop } from './decoded-frame';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';

/** The header is one 32-bit address family (tcpdump.org/linktypes/LINKTYPE_NULL.html). */
export const NULL_HLEN = 4;
/** AF_INET is 2 on every BSD. */
export const AF_INET = 2;
/** AF_INET6 differs by OS: NetBSD/OpenBSD/BSD/OS 24, FreeBSD 28, macOS/iOS 30. */
export const AF_INET6_BSD = 24;
export const AF_INET6_FREEBSD = 28;
export const AF_INET6_DARWIN = 30;
/**
 * Every AF_ value fits in 16 bits, so a family with high bits set was written in the other byte
 * order (libpcap and Wireshark swap on the same test).
 */
const AF_SWAPPED_MASK = 0xffff0000;

/** LINKTYPE_NULL: the family is in the capturing host's byte order, which the file does not say. */
export function decodeNull(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < NULL_HLEN) return stop(out, 'truncated-null');
  // Both reads lie inside [off, off + NULL_HLEN), checked just above.
  let family = out.view.getUint32(off, true);
  if ((family & AF_SWAPPED_MASK) !== 0) family = out.view.getUint32(off);
  return decodeFamily(family, buf, off + NULL_HLEN, end, out);
}

/** LINKTYPE_LOOP (OpenBSD): the same family, always in network byte order. */
export function decodeLoop(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < NULL_HLEN) return stop(out, 'truncated-null');
  // The read lies inside [off, off + NULL_HLEN), checked just above.
  return decodeFamily(out.view.getUint32(off), buf, off + NULL_HLEN, end, out);
}

function decodeFamily(family: number, buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (family === AF_INET) return decodeIpv4(buf, off, end, out);
  if (family === AF_INET6_BSD || family === AF_INET6_FREEBSD || family === AF_INET6_DARWIN) {
    return decodeIpv6(buf, off, end, out);
  }
  return stop(out, 'null-bad-family');
}
