// ICMPv6 (RFC 4443): type, code, echo identifier/sequence; Neighbor Discovery NS/NA (RFC 4861 §4.3-4.4).

import type { DecodedFrame } from './decoded-frame';
import { L4, stop } from './decoded-frame';

/** Type (1), code (1), checksum (2): common to every message. */
export const ICMPV6_MIN_LEN = 4;
/** Echo Request/Reply add identifier (2) and sequence number (2). */
export const ICMPV6_ECHO_LEN = 8;
/** NS: reserved (4) + target (16); NA: flags (1) + reserved (3) + target (16). Options follow. */
export const ICMPV6_ND_LEN = 24;
export const ICMPV6_TYPE = {
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  NEIGHBOR_SOLICITATION: 135,
  NEIGHBOR_ADVERTISEMENT: 136,
} as const;
const ICMPV6_CODE = 1;
const ICMPV6_ECHO_ID = 4;
const ICMPV6_ECHO_SEQ = 6;
const ICMPV6_NA_FLAGS = 4;
const ICMPV6_ND_TARGET = 8;
/** Router (0x80), Solicited (0x40), Override (0x20); the other 29 bits are reserved. */
const ICMPV6_NA_FLAGS_MASK = 0xe0;

export function decodeIcmpv6(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < ICMPV6_MIN_LEN) return stop(out, 'truncated-icmpv6');
  // Type and code lie inside [off, off + ICMPV6_MIN_LEN), checked just above.
  const type = buf[off]!;
  out.l4 = L4.ICMPV6;
  out.icmpType = type;
  out.icmpCode = buf[off + ICMPV6_CODE]!;
  if (type === ICMPV6_TYPE.ECHO_REQUEST || type === ICMPV6_TYPE.ECHO_REPLY) {
    if (end - off < ICMPV6_ECHO_LEN) return stop(out, 'truncated-icmpv6');
    // Both reads lie inside [off, off + ICMPV6_ECHO_LEN), checked just above.
    out.icmpEchoId = out.view.getUint16(off + ICMPV6_ECHO_ID);
    out.icmpEchoSeq = out.view.getUint16(off + ICMPV6_ECHO_SEQ);
    return off + ICMPV6_ECHO_LEN;
  }
  if (type === ICMPV6_TYPE.NEIGHBOR_SOLICITATION || type === ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT) {
    if (end - off < ICMPV6_ND_LEN) return stop(out, 'truncated-icmpv6');
    // The flags octet and the 16-octet target lie inside [off, off + ICMPV6_ND_LEN), checked just above.
    out.ndTargetOff = off + ICMPV6_ND_TARGET;
    if (type === ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT) out.ndFlags = buf[off + ICMPV6_NA_FLAGS]! & ICMPV6_NA_FLAGS_MASK;
    return off + ICMPV6_ND_LEN;
  }
  return off + ICMPV6_MIN_LEN;
}
