// ICMP for IPv4 (RFC 792): type, code, and the echo identifier/sequence.

import type { DecodedFrame } from './decoded-frame';
import { L4, stop } from './decoded-frame';

/** Type (1), code (1), checksum (2): common to every message. */
export const ICMP_MIN_LEN = 4;
/** Echo and Echo Reply add identifier (2) and sequence number (2). */
export const ICMP_ECHO_LEN = 8;
export const ICMP_TYPE = { ECHO_REPLY: 0, ECHO_REQUEST: 8 } as const;
const ICMP_CODE = 1;
const ICMP_ECHO_ID = 4;
const ICMP_ECHO_SEQ = 6;

export function decodeIcmp(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < ICMP_MIN_LEN) return stop(out, 'truncated-icmp');
  // Type and code lie inside [off, off + ICMP_MIN_LEN), checked just above.
  const type = buf[off]!;
  out.l4 = L4.ICMP;
  out.icmpType = type;
  out.icmpCode = buf[off + ICMP_CODE]!;
  if (type !== ICMP_TYPE.ECHO_REQUEST && type !== ICMP_TYPE.ECHO_REPLY) return off + ICMP_MIN_LEN;
  if (end - off < ICMP_ECHO_LEN) return stop(out, 'truncated-icmp');
  // Both reads lie inside [off, off + ICMP_ECHO_LEN), checked just above.
  out.icmpEchoId = out.view.getUint16(off + ICMP_ECHO_ID);
  out.icmpEchoSeq = out.view.getUint16(off + ICMP_ECHO_SEQ);
  return off + ICMP_ECHO_LEN;
}
