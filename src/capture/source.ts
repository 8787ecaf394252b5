// Capture inputs (files, `-` for stdin; pcap or pcapng, gzip-compressed or not) read in order as one RxJS timeline.

import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Gunzip } from 'node:zlib';
// rxjs's own module, not its index (which loads every operator): see pipeline.ts.
import { Observable } from 'rxjs/internal/Observable';
import type { FrameSink } from './frame';
import { InputError } from './input-error';
import { PipeReader } from './pipe-reader';
import { createPcapParser, isPcapMagic } from './pcap';
import { createPcapngParser, isPcapngMagic } from './pcapng';

export type CaptureFormat = 'pcap' | 'pcapng';

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

export interface ReadOptions {
  /** What `-` reads (default: process.stdin). */
  readonly stdin?: AsyncIterable<Uint8Array>;
  /** Size of the reused file read buffer, bytes (default 1 MiB). */
  readonly readBytes?: number;
  /**
   * Asked after each chunk; the reading waits for the promise it returns, if any: how a consumer
   * that cannot keep up (output to a slow pipe) holds the reading back instead of queueing.
   */
  readonly holdBack?: () => Promise<void> | undefined;
}

/**
 * Standard input when it is a pipe: opened by path, it is read like a file, into the reader's
 * own reused buffer, instead of through process.stdin, which makes a new 64 KiB Buffer per chunk
 * (the bench: `cat F | netgap read -` took 1.6x the time of `netgap read F`). Opening it makes a new, blocking description of the same
 * pipe, whatever mode the inherited one is in.
 */
const STDIN_PATH = '/dev/stdin';

function stdinIsPipe(): boolean {
  try {
    return process.platform === 'linux' && fstatSync(0).isFIFO();
  } catch {
    return false;
  }
}

/** File reads go into one buffer of this size, reused for every read of the input. */
const READ_BYTES = 1024 * 1024;
/**
 * Decompressed chunks from zlib. Each chunk is one round trip between this thread and zlib's on
 * the thread pool: at zlib's default of 16 KiB the bench's 1 h file (546 MB unpacked) took 3.2 s,
 * at 256 KiB 1.2 s, less than `gzip -dc` alone. But when zlib meets damaged data it drops what
 * the failing inflate call had produced, at most one chunk. So a file is read again from its
 * start after damage, with small chunks (SMALL_GUNZIP_CHUNK_BYTES), and the frames after those
 * already delivered are delivered up to the damage: only the last 16 KiB before it may be
 * missing. Standard input cannot be read again: it is decompressed in small chunks throughout.
 * A cut stream loses nothing (all output comes first).
 */
const GUNZIP_CHUNK_BYTES = 256 * 1024;
const SMALL_GUNZIP_CHUNK_BYTES = 16 * 1024;
/** gzip's ID1 ID2 (RFC 1952 §2.3.1). */
const GZIP_ID1 = 0x1f;
const GZIP_ID2 = 0x8b;
const GZIP_SNIFF_LEN = 2;
const MAGIC_LEN = 4;

/** zlib's code when the compressed stream ends before its trailer. */
const Z_BUF_ERROR = 'Z_BUF_ERROR';
/**
 * zlib's message when the bytes after a complete gzip member are not another member: trailing
 * garbage, which gzip(1) ignores with a warning (exit status 2), keeping the data before it.
 */
const NOT_GZIP_AFTER_MEMBER = 'incorrect header check';
/**
 * Input slice written to zlib near the damage when a file is decompressed again: zlib drops what
 * the failing write had produced, and a gzip trailer is 8 bytes, so with writes this small the
 * end of the last member is always in an earlier write than the bytes after it.
 */
const GUNZIP_STEP_BYTES = 8;

/** What `source.ts` needs of a format parser; PcapParser and PcapngParser both fit. */
interface CaptureParser {
  readonly frames: number;
  readonly bytes: number;
  readonly linkTypes: readonly number[];
  push(chunk: Buffer, start: number, end: number): void;
  end(): void;
}

/**
 * Reads the inputs one after another into `sink`, synchronously per frame. The Observable
 * emits a `ReadProgress` per chunk, completes after the last input, or errors with an
 * `InputError` once every frame before the damage was delivered. Unsubscribing stops the
 * reading and closes the file. (One Observable over a loop, rather than rxjs's `concat` of one
 * per input: `concat` loads a dozen more rxjs modules at start-up.)
 */
export function readCaptures(names: readonly string[], sink: FrameSink, opts: ReadOptions = {}): Observable<ReadProgress> {
  return new Observable<ReadProgress>((subscriber) => {
    let input: CaptureInput | null = null;
    let stopped = false;
    const readAll = async (): Promise<void> => {
      for (const name of names) {
        if (stopped) return;
        const current = new CaptureInput(name, sink, name !== '-' && isRegularFile(name) ? () => readAgain(name) : null);
        input = current;
        try {
          await readInput(current, opts, () => {
            subscriber.next(current.progress(false));
            return opts.holdBack?.();
          });
        } catch (err) {
          if (!current.cancelled) subscriber.error(current.explain(err));
          return;
        }
        if (current.cancelled) return;
        subscriber.next(current.progress(true));
      }
      subscriber.complete();
    };
    void readAll();
    return () => {
      stopped = true;
      input?.cancel();
    };
  });
}

/** One input, read to its end into its parser. */
function readInput(input: CaptureInput, opts: ReadOptions, emit: Emit): Promise<void> {
  if (input.file !== '-') return readFile(input, input.file, opts.readBytes ?? READ_BYTES, emit);
  if (opts.stdin === undefined && stdinIsPipe()) return readFile(input, STDIN_PATH, opts.readBytes ?? READ_BYTES, emit);
  return readStream(input, opts.stdin ?? process.stdin, emit);
}

/** Reports a chunk read (progress) and returns what the reading must wait for, if anything. */
type Emit = () => Promise<void> | undefined;

async function readFile(input: CaptureInput, path: string, readBytes: number, emit: Emit): Promise<void> {
  let fd: number;
  let fifo: boolean;
  try {
    fd = openSync(path, 'r');
    fifo = fstatSync(fd).isFIFO();
  } catch (err) {
    throw ioError(input.file, 0, err);
  }
  if (fifo) {
    try {
      await readPipe(input, fd, readBytes, emit);
    } finally {
      closeSync(fd);
    }
    return;
  }
  // One reused buffer, filled by a blocking read on this thread. Reading on libuv's thread pool
  // into two buffers in turn, so that reading and parsing overlap, was slower on the bench's
  // 2-core machine: the main thread waited for reads anyway (the JIT and the garbage collector
  // keep the other core busy), and each read cost a promise and a thread hop (parsing the 1 h file
  // took 104 ms that way, 73 ms this way); so was PipeReader's worker thread (the whole 1 h run
  // 477 ms against 420). Mapping the file instead (mmap, tried through a test addon) avoids the
  // copy but was slower still: on these virtual machines the page faults cost more (a bare record
  // walk of the 1 h file, 172 ms against 120). A file in the page cache is a memory copy away; a
  // pipe is read by readPipe. Between chunks the event loop gets a turn (setImmediate), so a
  // signal, an unsubscribe or a dashboard is never kept waiting for more than one chunk.
  const chunk: Chunk = { buf: Buffer.allocUnsafe(readBytes), end: 0 };
  try {
    await readChunks(input, emit, () => {
      chunk.end = readSync(fd, chunk.buf, 0, chunk.buf.length, null); // EISDIR shows here, not at open
      return chunk.end === 0 ? null : chunk;
    });
  } finally {
    input.close();
    closeSync(fd);
  }
}

/** Raw bytes of an input: `buf[0 .. end)`. */
interface Chunk {
  buf: Buffer;
  end: number;
}

/** The next raw chunk of an input (valid until asked for the next), or null at its end. */
type NextChunk = () => Chunk | null | Promise<Chunk | null>;

/** Hands an input's raw chunks to its parser, reporting each, with a turn of the event loop between them. */
async function readChunks(input: CaptureInput, emit: Emit, next: NextChunk): Promise<void> {
  for (;;) {
    let chunk: Chunk | null;
    try {
      chunk = await next();
    } catch (err) {
      throw ioError(input.file, input.offset(), err);
    }
    if (chunk === null) break;
    await input.raw(chunk.buf, chunk.end);
    if (input.cancelled) return;
    await emit();
    await yieldToEventLoop();
    if (input.cancelled) return;
  }
  await input.end();
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // reading it reports why
  }
}

/** Rare: a file read again from its start, after damage (see GUNZIP_CHUNK_BYTES). Each chunk is valid until the next is asked for. */
async function* readAgain(path: string): AsyncGenerator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES);
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) yield buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** A pipe (stdin, or a FIFO by name), read through a PipeReader's worker thread, in spans of at most `readBytes`. */
async function readPipe(input: CaptureInput, fd: number, readBytes: number, emit: Emit): Promise<void> {
  const pipe = new PipeReader(fd, readBytes);
  try {
    await readChunks(input, emit, async () => {
      const span = await pipe.next();
      return span === null ? null : { buf: span, end: span.length };
    });
  } finally {
    input.close();
    pipe.close();
  }
}

/** Lets timers, I/O callbacks and signal handlers run (a macrotask turn; a resolved promise would not). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function readStream(input: CaptureInput, stream: AsyncIterable<Uint8Array>, emit: Emit): Promise<void> {
  const it = stream[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      let r: IteratorResult<Uint8Array>;
      try {
        r = await it.next();
      } catch (err) {
        throw ioError(input.file, input.offset(), err);
      }
      if (input.cancelled) return;
      if (r.done === true) break;
      const chunk = r.value;
      // Streams give Buffers; a plain Uint8Array is viewed, not copied.
      await input.raw(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), chunk.byteLength);
      if (input.cancelled) return;
      await emit();
    }
    done = true;
    await input.end();
  } finally {
    input.close();
    // Stopped early (damage, unsubscribe): let the stream go. Not awaited: stdin may be idle.
    if (!done) void it.return?.()?.catch(() => undefined);
  }
}

/** A file or stream error as the one-line InputError the CLI prints. */
function ioError(file: string, offset: number, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return new InputError(file, offset, 'cannot open: no such file');
    case 'EACCES':
    case 'EPERM':
      return new InputError(file, offset, 'cannot open: permission denied');
    case 'EISDIR':
      return new InputError(file, offset, 'cannot read: is a directory');
    default:
      return new InputError(file, offset, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The first few bytes of a stream, gathered across chunks (a pipe may deliver them one by one). */
class Head {
  readonly bytes = Buffer.alloc(MAGIC_LEN);
  len = 0;

  /** Copies up to `want` bytes in all from chunk[start .. end); returns the offset after them. */
  fill(chunk: Buffer, start: number, end: number, want: number): number {
    const take = Math.min(want - this.len, end - start);
    if (take <= 0) return start;
    chunk.copy(this.bytes, this.len, start, start + take);
    this.len += take;
    return start + take;
  }
}

/**
 * One input's way from raw bytes to frames: gzip sniff -> (gunzip) -> format sniff -> parser.
 * Holds what the progress reports count.
 */
class CaptureInput {
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
  /** Raw offset of the chunk last written to zlib: damage found by zlib lies in it or after it. */
  private lastChunkStart = 0;

  constructor(
    readonly file: string,
    private readonly sink: FrameSink,
    /** The raw input again from its start, when it can be read twice (a regular file): see GUNZIP_CHUNK_BYTES. */
    private readonly reread: (() => AsyncIterable<Buffer>) | null = null,
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
    this.gunzip?.destroy(new InputError(this.file, this.offset(), 'reading stopped'));
  }

  progress(done: boolean): ReadProgress {
    return {
      file: this.file,
      format: this.format,
      gzip: this.gzip,
      bytesRead: this.bytesRead,
      bytesParsed: this.offset(),
      frames: this.parser?.frames ?? 0,
      linkTypes: this.parser?.linkTypes.slice() ?? [],
      done,
    };
  }

  /** The error the Observable reports: offsets of a gzip input count decompressed bytes. */
  explain(err: unknown): unknown {
    if (!this.gzip || !(err instanceof InputError)) return err;
    return new InputError(err.file, err.offset, `${err.reason} (offset in the decompressed stream)`);
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
      if (this.magic.len === 0) throw new InputError(this.file, 0, 'empty input: no capture file header');
      throw new InputError(this.file, 0, `not a pcap or pcapng file: only ${this.magic.len} byte(s)`);
    }
    this.parser.end();
  }

  private openParser(): CaptureParser {
    const magic = this.magic.bytes;
    if (isPcapMagic(magic, 0)) {
      this.format = 'pcap';
      return createPcapParser(this.file, this.sink);
    }
    if (isPcapngMagic(magic, 0)) {
      this.format = 'pcapng';
      return createPcapngParser(this.file, this.sink);
    }
    throw new InputError(this.file, 0, `not a pcap or pcapng file (magic 0x${magic.toString('hex')})`);
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
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (typeof code !== 'string' || !code.startsWith('Z_')) throw err; // the parser's or the sink's
      if (code === Z_BUF_ERROR) {
        this.parser?.end();
        throw new InputError(this.file, this.offset(), 'gzip stream cut short');
      }
      const last = this.reread !== null ? ((await this.redeliverBeforeDamage()) ?? err) : err;
      if ((last as Error).message === NOT_GZIP_AFTER_MEMBER && (this.parser?.bytes ?? 0) > 0) {
        // As gzip -d: the data before the garbage is kept (a record it cuts is named first), then one line.
        this.parser?.end();
        throw new InputError(this.file, this.offset(), 'trailing garbage after the gzip data ignored');
      }
      throw new InputError(this.file, this.offset(), `gzip data damaged: ${(err as Error).message}`);
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
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (typeof code !== 'string' || !code.startsWith('Z_')) throw err; // the parser's or the sink's
      return { error: err as Error, failedAt: writing };
    } finally {
      again.destroy(new InputError(this.file, this.offset(), 'reading stopped'));
    }
  }
}

/**
 * zlib's gunzip driven by hand: each write resolves once zlib has consumed the bytes (so a
 * reused read buffer may be refilled), and rejects as soon as zlib or the consumer failed, so
 * that nothing waits on a stream that died. Decompressed chunks go to `onData` synchronously;
 * if it throws (an InputError from the parser), the stream fails with that error.
 */
class Gunzipper {
  private readonly zlib: Gunzip;
  private readonly finished: Promise<void>;
  /** The first failure: zlib's, the consumer's, or destroy()'s. */
  private failure: Error | null = null;
  /** Rejects the write in flight (callers await each write, so there is at most one). */
  private rejectWrite: ((err: Error) => void) | null = null;

  constructor(onData: (out: Buffer) => void, chunkBytes: number) {
    this.zlib = createGunzip({ chunkSize: chunkBytes });
    this.zlib.on('data', (out: Buffer) => {
      try {
        onData(out);
      } catch (err) {
        this.destroy(err as Error);
      }
    });
    this.finished = new Promise((resolve, reject) => {
      this.zlib.once('end', resolve);
      this.zlib.once('error', (err: Error) => {
        this.failure ??= err;
        this.rejectWrite?.(this.failure);
        reject(this.failure);
      });
    });
    // Observed by end(); this keeps a failure that happens first from counting as unhandled.
    this.finished.catch(() => undefined);
  }

  write(chunk: Buffer): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.rejectWrite = reject;
      this.zlib.write(chunk, (err) => {
        this.rejectWrite = null;
        if (err) reject(this.failure ?? err);
        else resolve();
      });
    });
  }

  end(): Promise<void> {
    this.zlib.end();
    return this.finished;
  }

  /** Fails the stream with `err` (the first failure wins); a no-op once it ended or failed. */
  destroy(err: Error): void {
    if (this.failure !== null || this.zlib.destroyed) return;
    this.failure = err;
    this.zlib.destroy(err);
  }
}
