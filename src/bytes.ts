// DataViews over the buffers frames are read from: the 16- and 32-bit reads of the readers' and the decoders' per-frame hot path.

/*
 * Why a DataView: V8's optimizing compiler makes `getUint16` / `getUint32` (either byte order)
 * one load and a byte swap, where a field assembled from Buffer bytes costs one bounds-checked
 * load per byte; and Buffer#readUInt32LE and friends validate the offset and throw, which keeps
 * them from being inlined.
 *
 * Callers check bounds before they read: every read lies inside what the reader was given or
 * what the decoder checked against `end`, so the view's own check (a RangeError) never fires.
 */

/**
 * What a 32-bit low part is worth when a wider field is joined from two reads (2^32). A MAC is
 * `view.getUint16(off) * U32_SPAN + view.getUint32(off + 2)`, exact in a double (53 bits), and
 * written out where it is stored rather than returned by a helper: a number above 2^31 returned
 * from a call V8 does not inline is a freshly boxed heap number, and whether a call is inlined
 * depends on how much its caller has inlined already.
 */
export const U32_SPAN = 0x100000000;

/*
 * One view per buffer, made the first time a buffer is met, never one per frame: a file is read
 * into one reused buffer, a pipe into spans of a ring, a live capture into one buffer per
 * interface. The WeakMap keeps a source that alternates between buffers (a live capture on
 * several interfaces, a record carried across two chunks) from making a view at each switch,
 * and lets each view go with its buffer.
 */
const views = new WeakMap<Buffer, DataView>();

/** The DataView over exactly `buf`'s bytes (offset 0 of the view is `buf[0]`). */
export function viewOf(buf: Buffer): DataView {
  let view = views.get(buf);
  if (view === undefined) {
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    views.set(buf, view);
  }
  return view;
}
