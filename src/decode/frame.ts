// Entry point of the decoders: one LINKTYPE_* table picks the link-layer decoder (tcpdump linktypes.html).

import type { Frame } from '../capture/frame';
import { LINKTYPE } from '../capture/frame';
import type { DecodedFrame } from './decoded-frame';
import { stop } from './decoded-frame';
import { decodeEthernet } from './ethernet';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';
import { decodeLinuxSll } from './linux-sll';
import { decodeLinuxSll2 } from './linux-sll2';
import { decodeLoop, decodeNull } from './null';
import { decodeRawIp } from './raw-ip';

/**
 * Every decoder has this shape: read the header at `buf[off .. end)`, fill `out`, hand the payload
 * to the next table, and return the offset just past the last header decoded, or a negative code
 * after `stop()` recorded why (tcpdump's printers, gopacket's DecodingLayer).
 */
export type Decoder = (buf: Buffer, off: number, end: number, out: DecodedFrame) => number;

const NS_PER_S = 1e9;

/** The link layers netgap decodes; 228 and 229 are bare IP, so the IP decoders serve directly. */
const LINK_DECODERS: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [LINKTYPE.NULL, decodeNull],
  [LINKTYPE.ETHERNET, decodeEthernet],
  [LINKTYPE.RAW, decodeRawIp],
  [LINKTYPE.LOOP, decodeLoop],
  [LINKTYPE.LINUX_SLL, decodeLinuxSll],
  [LINKTYPE.IPV4, decodeIpv4],
  [LINKTYPE.IPV6, decodeIpv6],
  [LINKTYPE.LINUX_SLL2, decodeLinuxSll2],
]);

/**
 * Decode one frame into `out` (reset first), as far as its bytes allow. Hot path: one table
 * lookup and plain reads into the reused object; bad input ends in `out.reason`, never a throw.
 */
export function decodeFrame(frame: Frame, out: DecodedFrame): void {
  out.reset(frame.buf);
  // frameTimeS(), written out: a float returned by a call that is not inlined would be boxed.
  out.ts = frame.tsSec + frame.tsNsec / NS_PER_S;
  out.incomplete = frame.capLen < frame.origLen;
  const decoder = LINK_DECODERS.get(frame.linkType);
  if (decoder === undefined) {
    stop(out, 'unsupported-link-type');
    return;
  }
  // The decoders trust `end`; clamping it to the buffer keeps a reader's bad capLen from turning
  // into a RangeError thrown by Buffer's own bounds check.
  const end = Math.min(frame.off + frame.capLen, frame.buf.length);
  decoder(frame.buf, frame.off, end, out);
}
