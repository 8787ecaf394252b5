// Unsigned 16- and 32-bit reads in either byte order, for the readers' per-record hot path (pcap and pcapng store both orders).

/*
 * Why not Buffer#readUInt32LE and friends: each validates its offset and throws a RangeError past
 * the end, which makes it too large for V8 to inline into the record walk; a uint32 above 2^31
 * returned from a call that is not inlined is then a freshly boxed heap number, per field per
 * record (measured with the bench's CPU profile: the validators and the calls were a third of the
 * pcap walk). These are small enough to inline. They do not check bounds: every caller has
 * checked that [off, off + 2) or [off, off + 4) lies inside what it was given.
 */

export function u16(buf: Buffer, off: number, le: boolean): number {
  return le ? buf[off]! | (buf[off + 1]! << 8) : (buf[off]! << 8) | buf[off + 1]!;
}

export function u32(buf: Buffer, off: number, le: boolean): number {
  // The top byte is multiplied, not shifted: `<< 24` would make the result a negative int32.
  return le
    ? (buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16)) + buf[off + 3]! * 0x1000000
    : buf[off]! * 0x1000000 + ((buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!);
}
