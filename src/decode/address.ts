// Text forms of addresses decoders keep as numbers: MAC as IEEE 802 colon hex, IPv4 as RFC 791 dotted quad.

const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * A 48-bit MAC held as a number to lower-case colon hex (`00:15:5d:0a:00:01`). Called only when an
 * alert or a station row is made, never per frame. Division, not `>>`: bitwise operators would
 * cut the number to 32 bits.
 */
export function formatMac(mac: number): string {
  const hi = Math.floor(mac / 0x1_0000_0000);
  const lo = mac % 0x1_0000_0000;
  return `${HEX2[(hi >>> 8) & 0xff]}:${HEX2[hi & 0xff]}:${HEX2[lo >>> 24]}:${HEX2[(lo >>> 16) & 0xff]}:${HEX2[(lo >>> 8) & 0xff]}:${HEX2[lo & 0xff]}`;
}

/** An IPv4 address held as a uint32 to dotted quad (`198.51.100.11`). */
export function formatIpv4(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}
