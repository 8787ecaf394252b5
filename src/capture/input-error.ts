// The one error a damaged or unreadable input raises: file, byte offset, reason (etherparse's LenError).

/**
 * A capture input that cannot be read on: a damaged file, a cut-off record, an unknown format.
 * Every frame before `offset` has been delivered. The CLI prints `message` as one line and exits 2.
 */
export class InputError extends Error {
  constructor(
    /** The input's name as the user gave it (`-` for stdin). */
    readonly file: string,
    /** Byte offset in the (decompressed) stream where the damage was found. */
    readonly offset: number,
    /** What disagreed, e.g. "record claims 2147483632 bytes, only 270 left". */
    readonly reason: string,
  ) {
    super(`${file}: byte ${offset}: ${reason}`);
    this.name = 'InputError';
  }
}
