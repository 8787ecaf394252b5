// Host keys for the detectors' tables: an IPv4 address (RFC 791) as its number, an IPv6 address (RFC 8200) as a 52-bit hash.

/*
 * Why a hash for IPv6: a table keyed by numbers allocates nothing per lookup, and 16 bytes do not
 * fit in one. A 52-bit hash does, in a range of its own ([2^52, 2^53)) so that it never equals an
 * IPv4 key (< 2^32). Two addresses can share a hash, so every table that uses one also keeps the
 * 16 bytes and compares them before it trusts a match (`sameIpv6`).
 */

/** IPv6 keys lie in [IPV6_KEY_BASE, 2^53); IPv4 keys are the address itself, below 2^32. */
export const IPV6_KEY_BASE = 2 ** 52;
export const IPV6_ADDR_LEN = 16;

/** The key of the IPv6 address at `buf[off .. off + 16)` (the caller checked the bounds). */
export function ipv6Key(buf: Buffer, off: number): number {
  ipv6KeyInto(buf, off, scratch, 0);
  return scratch[0]!;
}
const scratch = new Float64Array(1);

/**
 * Hot path: `ipv6Key` into `out[slot]`, so that the double is not boxed on its way out of a call
 * (nor the uint32 steps: they are written out, with no helper calls).
 */
export function ipv6KeyInto(buf: Buffer, off: number, out: Float64Array, slot: number): void {
  let h1 = 0x27d4eb2f;
  let h2 = 0x165667b1;
  // Four big-endian words; h1 mixes them last to first, h2 first to last (MurmurHash3's fmix32 after each).
  for (let i = 0; i < 4; i++) {
    const w1 = (buf[off + 12 - 4 * i]! << 24) | (buf[off + 13 - 4 * i]! << 16) | (buf[off + 14 - 4 * i]! << 8) | buf[off + 15 - 4 * i]!;
    const w2 = (buf[off + 4 * i]! << 24) | (buf[off + 4 * i + 1]! << 16) | (buf[off + 4 * i + 2]! << 8) | buf[off + 4 * i + 3]!;
    h1 ^= w1;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
    h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
    h1 ^= h1 >>> 16;
    h2 ^= w2;
    h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b);
    h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
    h2 ^= h2 >>> 16;
  }
  // 20 bits of h1 above the 32 of h2 make a number below 2^52; the base moves it into [2^52, 2^53).
  out[slot] = IPV6_KEY_BASE + (h1 & 0xfffff) * 0x1_0000_0000 + (h2 >>> 0);
}

export function isIpv6Key(key: number): boolean {
  return key >= IPV6_KEY_BASE;
}

/** The collision check: do `a[ao ..)` and `b[bo ..)` hold the same 16 bytes? */
export function sameIpv6(a: Uint8Array, ao: number, b: Uint8Array, bo: number): boolean {
  for (let i = 0; i < IPV6_ADDR_LEN; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/** IPv4 multicast, limited broadcast and the reserved class E: 224.0.0.0 and up. Nobody answers for them as a host. */
export const IPV4_MULTICAST_FIRST = 0xe0000000;
/** IPv6 multicast addresses start with 0xff (RFC 4291 §2.7). */
export const IPV6_MULTICAST_PREFIX = 0xff;
