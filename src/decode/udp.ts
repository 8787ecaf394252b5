// UDP header (RFC 768): ports.

import type { DecodedFrame } from './decoded-frame';
import { L4, stop } from './decoded-frame';

/** Source port, destination port, length, checksum: 2 octets each. */
export const UDP_HLEN = 8;
const UDP_SRC_PORT = 0;
const UDP_DST_PORT = 2;

export function decodeUdp(_buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < UDP_HLEN) return stop(out, 'truncated-udp');
  // Both reads lie inside [off, off + UDP_HLEN), checked just above.
  out.l4 = L4.UDP;
  out.srcPort = out.view.getUint16(off + UDP_SRC_PORT);
  out.dstPort = out.view.getUint16(off + UDP_DST_PORT);
  return off + UDP_HLEN;
}
