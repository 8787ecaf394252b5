// gzip decompression (RFC 1952) of a capture input, driven one write at a time through node:zlib.

import { createGunzip } from 'node:zlib';
import type { Gunzip } from 'node:zlib';

/** gzip's ID1 ID2 (RFC 1952 §2.3.1). */
export const GZIP_ID1 = 0x1f;
export const GZIP_ID2 = 0x8b;
export const GZIP_SNIFF_LEN = 2;

/**
 * Decompressed chunk sizes. Each chunk is one round trip to zlib's thread, so a file takes large
 * ones; but zlib drops what the failing inflate call produced, so after damage a file is read again
 * with small ones (see CaptureInput.redeliverBeforeDamage), and stdin, which cannot be read again,
 * always uses small ones.
 */
export const GUNZIP_CHUNK_BYTES = 256 * 1024;
export const SMALL_GUNZIP_CHUNK_BYTES = 16 * 1024;

/** zlib's code when the compressed stream ends before its trailer. */
export const Z_BUF_ERROR = 'Z_BUF_ERROR';
/**
 * zlib's message when the bytes after a complete gzip member are not another member: trailing
 * garbage, which gzip(1) ignores with a warning (exit status 2), keeping the data before it.
 */
export const NOT_GZIP_AFTER_MEMBER = 'incorrect header check';
/**
 * Input slice written to zlib over the damage when a file is decompressed a last time: zlib drops
 * what the failing write had produced, and a gzip trailer is 8 bytes, so with writes this small
 * the end of the last member always lands in an earlier write than the bytes after it.
 */
export const GUNZIP_STEP_BYTES = 8;

/** Whether `err` is zlib's (its codes start with Z_), as opposed to the parser's or the sink's. */
export function isZlibError(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * zlib's gunzip driven by hand: each write resolves once zlib has consumed the bytes (so a
 * reused read buffer may be refilled), and rejects as soon as zlib or the consumer failed, so
 * that nothing waits on a stream that died. Decompressed chunks go to `onData` synchronously;
 * if it throws (an InputError from the parser), the stream fails with that error.
 */
export class Gunzipper {
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
