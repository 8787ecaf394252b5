// Big-endian reads of 16-, 32- and 48-bit fields as plain numbers, for the decoders' hot path.

/*
 * Why not Buffer#readUInt16BE / readUInt32BE / readUIntBE(off, 6): they validate the offset and
 * throw, which makes them too large for V8 to inline into a decoder. A number above 2^30 returned
 * from a call that is not inlined is a freshly boxed HeapNumber: one allocation per address per
 * frame (measured with the sampling heap profiler); and even a 16-bit field paid for the call and
 * the offset validation, on every field of every frame (the bench's CPU profile). These are small
 * enough to inline, so the value stays an unboxed number all the way into the DecodedFrame field.
 * They do not check bounds: each caller has checked [off, off + 2), [off, off + 4) or
 * [off, off + 6) first.
 */

/** Unsigned 16 bits (an EtherType, a port, a length). */
export function readU16(buf: Buffer, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

/** Unsigned 32 bits (an IPv4 address). */
export function readU32(buf: Buffer, off: number): number {
  return buf[off]! * 0x1000000 + ((buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!);
}

/** Unsigned 48 bits (a MAC address); exact, since a double holds 53 bits. */
export function readU48(buf: Buffer, off: number): number {
  return ((buf[off]! << 8) | buf[off + 1]!) * 0x100000000 + readU32(buf, off + 2);
}
