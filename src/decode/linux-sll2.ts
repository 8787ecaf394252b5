// Linux "cooked" capture header v2, LINKTYPE_LINUX_SLL2 276 (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html).

import { U32_SPAN } from '../bytes';
import type { DecodedFrame } from './decoded-frame';
import { stop } from './decoded-frame';
import { decodeEtherPayload } from './ethertype';

/**
 * Protocol type (2), reserved (2), interface index (4), ARPHRD_ type (2), packet type (1),
 * address length (1), address (8).
 */
export const SLL2_HLEN = 20;
/** Octet offsets of the fields netgap reads. */
const SLL2_PROTOCOL = 0;
const SLL2_HALEN = 11;
const SLL2_ADDR = 12;
/** Only a 6-byte sender address is a MAC netgap can use. */
const MAC_LEN = 6;

/** Same facts as SLL v1, with the protocol type moved to the front. */
export function decodeLinuxSll2(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < SLL2_HLEN) return stop(out, 'truncated-sll2');
  // All reads below lie inside [off, off + SLL2_HLEN), checked just above.
  if (buf[off + SLL2_HALEN] === MAC_LEN) {
    out.linkSrc = out.view.getUint16(off + SLL2_ADDR) * U32_SPAN + out.view.getUint32(off + SLL2_ADDR + 2);
    out.hasLinkSrc = true;
  }
  // Values below 0x0600 are Linux pseudo-types (ETH_P_802_2 ...): decodeEtherPayload ends there.
  out.etherType = out.view.getUint16(off + SLL2_PROTOCOL);
  return decodeEtherPayload(buf, off + SLL2_HLEN, end, out);
}
