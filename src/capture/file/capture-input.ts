// One capture input's way from raw bytes to frames: gzip sniff, gunzip (RFC 1952), format sniff, pcap or pcapng parser.

import type { FrameSink } from '../../frame';
import { InputError } from '../input-error';
import {
  GUNZIP_CHUNK_BYTES,
  GUNZIP_STEP_BYTES,
  GZIP_ID1,
  GZIP_ID2,
  GZIP_SNIFF_LEN,
  Gunzipper,
  isZlibError,
  NOT_GZIP_AFTER_MEMBER,
  SMALL_GUNZIP_CHUNK_BYTES,
  Z_BUF_ERROR,
} from './gunzip';
import type { CaptureFormat, CaptureParser } from './sniff';
import { Head, MAGIC_LEN, openParser } from './sniff';

/**
 * Emitted once per chunk read (never per frame), and once more with `done: true` when the
 * input was read to its end: that last one is the input's statistics.
 */
export interface ReadProgress {
  /** The input's name as given (`-` for stdin). */
  readonly file: string;
  /** Known once the first 4 bytes (after gunzip) were seen. */
  readonly format: CaptureFormat | null;
  /** The input is gzip-compressed (recognised by its first bytes, not its name). */
  readonly gzip: boolean;
  /** Bytes read from the file or stdin (compressed bytes for gzip). */
  readonly bytesRead: number;
  /** Bytes of capture data parsed (decompressed bytes for gzip). */
  readonly bytesParsed: number;
  /** Frames delivered to the sink from this input. */
  readonly frames: number;
  /** LINKTYPE_* of each interface seen so far, indexed by Frame.ifIndex. */
  readonly linkTypes: readonly number[];
  readonly done: boolean;
}

/**
 * One input's way from raw bytes to frames: gzip sniff -> (gunzip) -> format sniff -> parser.
 * Holds what the progress reports count.
 */
export class CaptureInput {
  cancelled = false;
  bytesRead = 0;
  private gzip = false;
  /** Undecided until GZIP_SNIFF_LEN raw bytes were seen. */
  private sniffed = false;
  private readonly rawHead = new Head();
  private gunzip: Gunzipper | null = null;
  private readonly magic = new Head();
  private parser: CaptureParser | null = null;
  private format: CaptureFormat | null = null;
  /** Raw offset of the chunk last written to zlib: damage zlib finds lies in it or after it. */
  private lastChunkStart = 0;
  /**
   * The interfaces' link types as last reported: copied only when an interface was added (a
   * reader's list only grows, up to MAX_INTERFACES_PER_INPUT + 1), not once per chunk.
   */
  private linkTypes: readonly number[] = [];

  constructor(
    readonly file: string,
    private readonly sink: FrameSink,
    /** The raw input again from its start, when it can be read twice (a regular file): see redeliverBeforeDamage. */
    private readonly reread: (() => AsyncIterable<Buffer>) | null = null,
    /** pcapng: only the interfaces this names (see PcapngParser's interfaceFilter). */
    private readonly interfaceFilter: string | null = null,
  ) {}

  /**
   * Raw bytes `chunk[0 .. end)` in input order. The caller may reuse `chunk` once the returned
   * promise settles (for gzip, that is once zlib has consumed it).
   */
  async raw(chunk: Buffer, end: number): Promise<void> {
    this.bytesRead += end;
    let start = 0;
    if (!this.sniffed) {
      start = this.rawHead.fill(chunk, 0, end, GZIP_SNIFF_LEN);
      if (this.rawHead.len < GZIP_SNIFF_LEN) return;
      await this.sniffGzip();
    }
    if (this.gunzip === null) this.capture(chunk, start, end);
    else if (start < end) {
      this.lastChunkStart = this.bytesRead - (end - start);
      await this.unzip(this.gunzip.write(chunk.subarray(start, end)));
    }
  }

  /** The raw input ended. */
  async end(): Promise<void> {
    if (!this.sniffed) await this.sniffGzip();
    if (this.gunzip !== null) await this.unzip(this.gunzip.end());
    this.captureEnd();
  }

  /** Stream offset for errors: capture bytes parsed so far (decompressed bytes for gzip). */
  offset(): number {
    return this.parser?.bytes ?? this.magic.len;
  }

  cancel(): void {
    this.cancelled = true;
    this.close();
  }

  /** Releases zlib, if any (idempotent). */
  close(): void {
    this.gunzip?.destroy(new InputError(this.file, this.offset(), { reason: 'reading-stopped' }));
  }

  progress(done: boolean): ReadProgress {
    return {
      file: this.file,
      format: this.format,
      gzip: this.gzip,
      bytesRead: this.bytesRead,
      bytesParsed: this.offset(),
      frames: this.parser?.frames ?? 0,
      linkTypes: this.reportedLinkTypes(),
      done,
    };
  }

  private reportedLinkTypes(): readonly number[] {
    const now = this.parser?.linkTypes;
    if (now !== undefined && now.length !== this.linkTypes.length) this.linkTypes = now.slice();
    return this.linkTypes;
  }

  /** The error the Observable reports: offsets of a gzip input count decompressed bytes. */
  explain(err: unknown): unknown {
    if (!this.gzip || !(err instanceof InputError)) return err;
    return err.inDecompressedStream();
  }

  private async sniffGzip(): Promise<void> {
    this.sniffed = true;
    const head = this.rawHead;
    if (head.len === GZIP_SNIFF_LEN && head.bytes[0] === GZIP_ID1 && head.bytes[1] === GZIP_ID2) {
      this.gzip = true;
      const chunkBytes = this.reread !== null ? GUNZIP_CHUNK_BYTES : SMALL_GUNZIP_CHUNK_BYTES;
      this.gunzip = new Gunzipper((out) => this.capture(out, 0, out.length), chunkBytes);
      await this.unzip(this.gunzip.write(Buffer.from(head.bytes.subarray(0, head.len))));
    } else {
      this.capture(head.bytes, 0, head.len);
    }
  }

  /** Capture bytes (decompressed if need be) `chunk[start .. end)`, in order. */
  private capture(chunk: Buffer, start: number, end: number): void {
    if (this.parser === null) {
      start = this.magic.fill(chunk, start, end, MAGIC_LEN);
      if (this.magic.len < MAGIC_LEN) return;
      this.parser = this.openParser();
      this.parser.push(this.magic.bytes, 0, MAGIC_LEN);
    }
    this.parser.push(chunk, start, end);
  }

  private captureEnd(): void {
    if (this.parser === null) {
      if (this.magic.len === 0) throw new InputError(this.file, 0, { reason: 'empty-input' });
      throw new InputError(this.file, 0, { reason: 'too-short', have: this.magic.len });
    }
    this.parser.end();
  }

  private openParser(): CaptureParser {
    const { format, parser } = openParser(this.file, this.magic.bytes, this.sink, this.interfaceFilter);
    this.format = format;
    return parser;
  }

  /**
   * Awaits a gunzip step, turning zlib's errors into InputErrors. A cut gzip stream (zlib's
   * "unexpected end of file") comes after all it could decompress: that is parsed to its end
   * first, so that a cut record is named at its offset, as for a cut plain file.
   */
  private async unzip(step: Promise<void>): Promise<void> {
    try {
      await step;
    } catch (err) {
      if (!isZlibError(err)) throw err; // the parser's or the sink's
      if (err.code === Z_BUF_ERROR) {
        this.parser?.end();
        throw new InputError(this.file, this.offset(), { reason: 'gzip-cut-short' });
      }
      const last = this.reread !== null ? ((await this.redeliverBeforeDamage()) ?? err) : err;
      if (last.message === NOT_GZIP_AFTER_MEMBER && (this.parser?.bytes ?? 0) > 0) {
        // As gzip -d: the data before the garbage is kept (a record it cuts is named first), then one line.
        this.parser?.end();
        throw new InputError(this.file, this.offset(), { reason: 'gzip-trailing-garbage' });
      }
      throw new InputError(this.file, this.offset(), { reason: 'gzip-damaged', detail: err.message });
    }
  }

  /**
   * Rare: damage in a gzip file read with large chunks. Decompresses it again from the start,
   * skips the bytes the parser already has, and hands it the rest, up to where zlib fails again;
   * from the chunk where zlib failed on, the input goes to zlib in small slices, so that it drops
   * (with the output of the write that failed) at most the last 16 KiB before the damage. When
   * the damage is trailing garbage, once more, in GUNZIP_STEP_BYTES slices over the slice where
   * it was found: all the data before it is delivered. Returns zlib's last error, if any.
   */
  private async redeliverBeforeDamage(): Promise<Error | null> {
    const first = await this.decompressAgain(this.lastChunkStart, SMALL_GUNZIP_CHUNK_BYTES);
    if (first.error?.message !== NOT_GZIP_AFTER_MEMBER) return first.error;
    return (await this.decompressAgain(first.failedAt, GUNZIP_STEP_BYTES)).error;
  }

  /** One pass of redeliverBeforeDamage: input from raw offset `sliceFrom` on goes to zlib `slice` bytes at a time. */
  private async decompressAgain(sliceFrom: number, slice: number): Promise<{ error: Error | null; failedAt: number }> {
    let skip = this.parser?.bytes ?? 0;
    const again = new Gunzipper((out) => {
      const from = Math.min(skip, out.length);
      skip -= from;
      if (from < out.length) this.capture(out, from, out.length);
    }, SMALL_GUNZIP_CHUNK_BYTES);
    let pos = 0;
    let writing = 0;
    try {
      for await (const chunk of this.reread!()) {
        const whole = Math.max(0, Math.min(chunk.length, sliceFrom - pos));
        writing = pos;
        if (whole > 0) await again.write(chunk.subarray(0, whole));
        for (let at = whole; at < chunk.length; at += slice) {
          writing = pos + at;
          await again.write(chunk.subarray(at, Math.min(at + slice, chunk.length)));
        }
        pos += chunk.length;
      }
      writing = pos;
      await again.end();
      return { error: null, failedAt: pos };
    } catch (err) {
      if (!isZlibError(err)) throw err; // the parser's or the sink's
      return { error: err, failedAt: writing };
    } finally {
      again.destroy(new InputError(this.file, this.offset(), { reason: 'reading-stopped' }));
    }
  }
}
