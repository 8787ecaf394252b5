// The one IP protocol dispatch table, shared by IPv4 and IPv6 (IANA Assigned Internet Protocol Numbers).

import type { DecodedFrame } from './decoded-frame';
import { decodeIcmp } from './icmp';
import { decodeIcmpv6 } from './icmpv6';
import { decodeTcp } from './tcp';
import { decodeUdp } from './udp';

/** Transport protocols netgap decodes. */
export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

/**
 * Decode the transport at `off` named by `out.ipProto`: the protocol table, one case per
 * transport (a switch, not a Map: see decodeLink in frame.ts). `end` is already clamped to the IP
 * packet's own length. Any other protocol (tunnels, ESP, SCTP ...) ends decoding cleanly.
 */
export function decodeIpPayload(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  switch (out.ipProto) {
    case IPPROTO.TCP:
      return decodeTcp(buf, off, end, out);
    case IPPROTO.UDP:
      return decodeUdp(buf, off, end, out);
    case IPPROTO.ICMP:
      return decodeIcmp(buf, off, end, out);
    case IPPROTO.ICMPV6:
      return decodeIcmpv6(buf, off, end, out);
    default:
      return off;
  }
}
