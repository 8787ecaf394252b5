// The one IP protocol dispatch table, shared by IPv4 and IPv6 (IANA Assigned Internet Protocol Numbers).

import type { DecodedFrame } from './decoded-frame';
import type { Decoder } from './frame';
import { decodeIcmp } from './icmp';
import { decodeIcmpv6 } from './icmpv6';
import { decodeTcp } from './tcp';
import { decodeUdp } from './udp';

/** Transport protocols netgap decodes. */
export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

/** Protocol number -> decoder. A new transport is one entry here. */
const IPPROTO_DECODERS: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [IPPROTO.ICMP, decodeIcmp],
  [IPPROTO.TCP, decodeTcp],
  [IPPROTO.UDP, decodeUdp],
  [IPPROTO.ICMPV6, decodeIcmpv6],
]);

/**
 * Decode the transport at `off` named by `out.ipProto`; `end` is already clamped to the IP
 * packet's own length. Any other protocol (tunnels, ESP, SCTP ...) ends decoding cleanly.
 */
export function decodeIpPayload(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  const decoder = IPPROTO_DECODERS.get(out.ipProto);
  return decoder === undefined ? off : decoder(buf, off, end, out);
}
