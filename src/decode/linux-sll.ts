// Linux "cooked" capture header v1, LINKTYPE_LINUX_SLL 113 (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html).

import { U32_SPAN } from '../bytes';
import type { DecodedFrame } from './decoded-frame';
import { stop } from './decoded-frame';
import { decodeEtherPayload } from './ethertype';

/** Packet type (2), ARPHRD_ type (2), address length (2), address (8), protocol type (2). */
export const SLL_HLEN = 16;
/** Octet offsets of the fields netgap reads. */
const SLL_HALEN = 4;
const SLL_ADDR = 6;
const SLL_PROTOCOL = 14;
/** Only a 6-byte sender address is a MAC netgap can use. */
const MAC_LEN = 6;

/** The address field is the sender's link-layer address; the protocol field is an EtherType. */
export function decodeLinuxSll(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < SLL_HLEN) return stop(out, 'truncated-sll');
  // All reads below lie inside [off, off + SLL_HLEN), checked just above.
  if (out.view.getUint16(off + SLL_HALEN) === MAC_LEN) {
    out.linkSrc = out.view.getUint16(off + SLL_ADDR) * U32_SPAN + out.view.getUint32(off + SLL_ADDR + 2);
    out.hasLinkSrc = true;
  }
  // Values below 0x0600 are Linux pseudo-types (ETH_P_802_2 ...): decodeEtherPayload ends there.
  out.etherType = out.view.getUint16(off + SLL_PROTOCOL);
  return decodeEtherPayload(buf, off + SLL_HLEN, end, out);
}
