// Ethernet II and IEEE 802.3 MAC header (IEEE 802.3 §3.2; RFC 894 for IP over Ethernet).

import { U32_SPAN } from '../bytes';
import type { DecodedFrame } from './decoded-frame';
import { stop } from './decoded-frame';
import { decodeEtherPayload } from './ethertype';

/** Destination (6) + source (6) + EtherType/length (2). */
export const ETH_HLEN = 14;
/** Octet offsets of the fields in the header. */
const ETH_DST = 0;
const ETH_SRC = 6;
const ETH_TYPE = 12;

/** LINKTYPE_ETHERNET (1). */
export function decodeEthernet(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < ETH_HLEN) return stop(out, 'truncated-ethernet');
  // All reads below lie inside [off, off + ETH_HLEN), checked just above.
  out.linkDst = out.view.getUint16(off + ETH_DST) * U32_SPAN + out.view.getUint32(off + ETH_DST + 2);
  out.linkSrc = out.view.getUint16(off + ETH_SRC) * U32_SPAN + out.view.getUint32(off + ETH_SRC + 2);
  out.hasLinkSrc = true;
  // An 802.3 length here instead of an EtherType is handled by decodeEtherPayload.
  out.etherType = out.view.getUint16(off + ETH_TYPE);
  return decodeEtherPayload(buf, off + ETH_HLEN, end, out);
}
