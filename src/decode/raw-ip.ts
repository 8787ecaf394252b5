// LINKTYPE_RAW 101: a bare IPv4 or IPv6 packet, told apart by its version nibble (RFC 791 / RFC 8200).

import type { DecodedFrame } from './decoded-frame';
import { stop } from './decoded-frame';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';

/** The version is the high nibble of the first octet in both IP versions. */
const IP_VERSION_SHIFT = 4;

export function decodeRawIp(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (end - off < 1) return stop(out, 'truncated-raw-ip');
  // The read lies at off, checked just above.
  const version = buf[off]! >> IP_VERSION_SHIFT;
  if (version === 4) return decodeIpv4(buf, off, end, out);
  if (version === 6) return decodeIpv6(buf, off, end, out);
  return stop(out, 'raw-ip-bad-version');
}
