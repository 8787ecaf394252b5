// The readers of a capture input: a regular file, a pipe (through PipeReader) or a stream, in chunks handed to its CaptureInput.

import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { InputError } from '../input-error';
import type { CaptureInput } from './capture-input';
import { PipeReader } from './pipe-reader';

/** File reads go into one buffer of this size, reused for every read of the input. */
export const READ_BYTES = 1024 * 1024;

/**
 * Standard input when it is a pipe: opened by path, it is read like a file, into the reader's
 * own reused buffer, instead of through process.stdin, which makes a new 64 KiB Buffer per chunk.
 * Opening it makes a new, blocking description of the same pipe, whatever mode the inherited one is in.
 */
export const STDIN_PATH = '/dev/stdin';

export function stdinIsPipe(): boolean {
  try {
    return process.platform === 'linux' && fstatSync(0).isFIFO();
  } catch {
    return false;
  }
}

/** Reports a chunk read (progress) and returns what the reading must wait for, if anything. */
export type Emit = () => Promise<void> | undefined;

export async function readFile(input: CaptureInput, path: string, readBytes: number, emit: Emit): Promise<void> {
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
  // One reused buffer, filled by a blocking read on this thread; the event loop gets a turn between chunks.
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

export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // reading it reports why
  }
}

/** Rare: a file read again from its start, after damage (see CaptureInput.redeliverBeforeDamage). Each chunk is valid until the next is asked for. */
export async function* readAgain(path: string): AsyncGenerator<Buffer> {
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

export async function readStream(input: CaptureInput, stream: AsyncIterable<Uint8Array>, emit: Emit): Promise<void> {
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
      return new InputError(file, offset, { reason: 'no-such-file' });
    case 'EACCES':
    case 'EPERM':
      return new InputError(file, offset, { reason: 'permission-denied' });
    case 'EISDIR':
      return new InputError(file, offset, { reason: 'is-a-directory' });
    default:
      return new InputError(file, offset, { reason: 'read-failed', detail: err instanceof Error ? err.message : String(err) });
  }
}
