// Big-endian reads of 16- and 24-bit fields as small integers; wider fields are two of them, joined where they are stored.

/*
 * Why not Buffer#readUInt16BE / readUInt32BE / readUIntBE(off, 6): they validate the offset and
 * throw, which makes them too large for V8 to inline into a decoder; even a 16-bit field paid for
 * the call and the offset validation, on every field of every frame (the bench's CPU profile).
 *
 * Why no read returns a 32- or 48-bit value: a number above 2^31 returned from a call that V8
 * does not inline is a freshly boxed heap number. Whether a call is inlined depends on how much
 * the caller has already inlined, so a reader that returned a MAC was inlined in one build of the
 * hot path and not in the next: the sampling heap profiler then showed two boxed numbers per
 * frame (32 MB on the bench's 1 h file, a tenth of the run in garbage collection). These return
 * at most 2^24, which V8 passes unboxed, and a caller joins the halves where it stores the field:
 *   MAC:  readU24(buf, off) * U24_SPAN + readU24(buf, off + 3)
 *   IPv4: readU16(buf, off) * U16_SPAN + readU16(buf, off + 2)
 * Both are exact (a double holds 53 bits). They do not check bounds: each caller has checked
 * [off, off + 2) or [off, off + 3) first.
 */

/** The value of the high part of a field joined from 16-bit halves (2^16). */
export const U16_SPAN = 0x10000;
/** The value of the high part of a field joined from 24-bit halves (2^24). */
export const U24_SPAN = 0x1000000;

/** Unsigned 16 bits (an EtherType, a port, a length, half an IPv4 address). */
export function readU16(buf: Buffer, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

/** Unsigned 24 bits (half a MAC address). */
export function readU24(buf: Buffer, off: number): number {
  return (buf[off]! << 16) | (buf[off + 1]! << 8) | buf[off + 2]!;
}
