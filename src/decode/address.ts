// Text forms of addresses: MAC as IEEE 802 colon hex, IPv4 as RFC 791 dotted quad, IPv6 as RFC 5952 text.

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

/**
 * The RFC 5952 text of the IPv6 address at `buf[off ..)`: lower-case hex, leading zeros dropped,
 * the longest run of two or more zero groups (the first of equal runs) as `::`. Made only when an
 * alert or a summary row needs it, never per frame.
 */
export function formatIpv6(buf: Uint8Array, off: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((buf[off + 2 * i]! << 8) | buf[off + 2 * i + 1]!);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestAt < 0) return hex(0, 8);
  return `${hex(0, bestAt)}::${hex(bestAt + bestLen, 8)}`;
}
