// Entry point of the decoders: one LINKTYPE_* table picks the link-layer decoder (tcpdump linktypes.html).

import type { Frame } from '../frame';
import { LINKTYPE } from '../frame';
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
 * after `stop()` recorded why (tcpdump's printers, gopacket's DecodingLayer). `out.reset(buf)`
 * came first, so `out.view` is `buf`'s DataView: single bytes are read from `buf`, wider fields
 * through `out.view`.
 */
export type Decoder = (buf: Buffer, off: number, end: number, out: DecodedFrame) => number;

const NS_PER_S = 1e9;

/**
 * The link layers netgap decodes, one case each; 228 and 229 are bare IP, so the IP decoders
 * serve directly. The dispatch tables (this one, ethertype.ts and ip-proto.ts) are switches, not
 * Maps, because a switch lets the compiler inline the decoder where a Map adds a lookup and an
 * indirect call per layer per frame.
 */
function decodeLink(linkType: number, buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      return decodeEthernet(buf, off, end, out);
    case LINKTYPE.LINUX_SLL:
      return decodeLinuxSll(buf, off, end, out);
    case LINKTYPE.LINUX_SLL2:
      return decodeLinuxSll2(buf, off, end, out);
    case LINKTYPE.RAW:
      return decodeRawIp(buf, off, end, out);
    case LINKTYPE.IPV4:
      return decodeIpv4(buf, off, end, out);
    case LINKTYPE.IPV6:
      return decodeIpv6(buf, off, end, out);
    case LINKTYPE.NULL:
      return decodeNull(buf, off, end, out);
    case LINKTYPE.LOOP:
      return decodeLoop(buf, off, end, out);
    case LINKTYPE.OVER_CAP:
      return stop(out, 'interface-over-cap');
    default:
      return stop(out, 'unsupported-link-type');
  }
}

/**
 * Decode one frame into `out` (reset first), as far as its bytes allow. Hot path: one switch
 * and plain reads into the reused object; bad input ends in `out.reason`, never a throw.
 */
export function decodeFrame(frame: Frame, out: DecodedFrame): void {
  out.reset(frame.buf);
  // frameTimeS(), written out: a float returned by a call that is not inlined would be boxed.
  out.ts = frame.tsSec + frame.tsNsec / NS_PER_S;
  out.incomplete = frame.capLen < frame.origLen;
  // The decoders trust `end`; clamping it to the buffer keeps a reader's bad capLen from turning
  // into a RangeError thrown by Buffer's own bounds check.
  const end = Math.min(frame.off + frame.capLen, frame.buf.length);
  decodeLink(frame.linkType, frame.buf, frame.off, end, out);
}
