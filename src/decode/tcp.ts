// TCP header (RFC 9293 §3.1): ports and flags; options are skipped, not decoded.

import type { DecodedFrame } from './decoded-frame';
import { L4, stop } from './decoded-frame';

/** The header without options: Data Offset 5. */
export const TCP_MIN_HLEN = 20;
/** Octet offsets of the fields netgap reads. */
const TCP_SRC_PORT = 0;
const TCP_DST_PORT = 2;
const TCP_DATA_OFFSET = 12;
const TCP_FLAGS = 13;

export function decodeTcp(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < TCP_MIN_HLEN) return stop(out, 'truncated-tcp');
  // All reads below lie inside [off, off + TCP_MIN_HLEN), checked just above.
  const hlen = (buf[off + TCP_DATA_OFFSET]! >> 4) * 4;
  if (hlen < TCP_MIN_HLEN) return stop(out, 'tcp-bad-offset');
  out.l4 = L4.TCP;
  out.srcPort = out.view.getUint16(off + TCP_SRC_PORT);
  out.dstPort = out.view.getUint16(off + TCP_DST_PORT);
  out.tcpFlags = buf[off + TCP_FLAGS]!;
  // Options cut by the snaplen: the facts above are whole, the header is not.
  if (end - off < hlen) return stop(out, 'truncated-tcp');
  return off + hlen;
}
