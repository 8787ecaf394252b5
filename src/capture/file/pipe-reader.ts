// A pipe drained by a worker thread into a shared ring, so that the writer is never kept waiting while netgap parses.

import { closeSync, constants, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/*
 * Why a thread: a pipe holds 64 KiB. Read on the main thread, the writer (`cat`, `zcat`,
 * `tcpdump -w -`) waits whenever netgap is parsing, and netgap waits for the writer whenever the
 * pipe is empty. A worker that does nothing but read keeps the pipe empty, into a ring that the
 * main thread parses in place.
 *
 * The ring is single-producer, single-consumer. `USED` (bytes in the ring) is the one counter
 * both sides change: the worker adds what it read, the parser subtracts what it is done with.
 * Each side keeps its own position. `SEQ` counts the worker's events (bytes added, end of input,
 * failure); the parser waits on it, so a wake-up cannot be missed between its check and its wait.
 *
 * The head start: a worker thread takes a while to start, and the parser would wait for it with
 * the pipe full. Until the worker says it is `READY`, the main thread reads the pipe itself,
 * without blocking, through a descriptor of its own opened O_NONBLOCK (/proc/self/fd/N: a new
 * open file description, so the worker's stays blocking). Then it sets `GO`, and from there only
 * the worker reads. The two never read at once, so the bytes stay in order.
 */

/** Ring size: the worker may run this far ahead of the parser. */
const RING_BYTES = 8 * 1024 * 1024;
/** Indexes into the control array. */
const CTRL = { USED: 0, SEQ: 1, STATE: 2, READY: 3, GO: 4 } as const;
const STATE = { RUNNING: 0, EOF: 1, FAILED: 2 } as const;
/** Values of CTRL.GO: the main thread still reads; the worker reads from here; the reader was closed first. */
const GO = { WAIT: 0, READ: 1, STOP: 2 } as const;
/** While the head start finds the pipe empty, how often it looks again for bytes or a ready worker. */
const HEAD_START_POLL_MS = 1;

interface DrainData {
  fd: number;
  ring: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
}

/** A read error from the worker, as the main thread rebuilds it. */
interface DrainFailure {
  code?: string;
  message: string;
}

/**
 * The worker's whole program, as plain JavaScript text: it runs in a fresh thread from source, so
 * it can use nothing from this module, and text is safe from what a compiler or a test runner's
 * transform would add to a function's body. `workerData` is a DrainData; the indexes and states
 * are CTRL's, STATE's and GO's. It says it is ready and waits for the go (the head start), then
 * waits while the ring is full, reads what fits (a pipe's read returns what the pipe holds), and
 * reports each read, the end of input, or a failure.
 */
const DRAIN_SOURCE = `
const { readSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const [USED, SEQ, STATE, READY, GO] = [${CTRL.USED}, ${CTRL.SEQ}, ${CTRL.STATE}, ${CTRL.READY}, ${CTRL.GO}];
const ring = new Uint8Array(workerData.ring);
const ctrl = new Int32Array(workerData.ctrl);
const size = ring.length;
const event = () => { Atomics.add(ctrl, SEQ, 1); Atomics.notify(ctrl, SEQ); };
Atomics.store(ctrl, READY, 1);
Atomics.notify(ctrl, READY);
while (Atomics.load(ctrl, GO) === ${GO.WAIT}) Atomics.wait(ctrl, GO, ${GO.WAIT});
let at = 0;
for (;;) {
  if (Atomics.load(ctrl, GO) === ${GO.STOP}) break;
  let used = Atomics.load(ctrl, USED);
  while (used === size) { Atomics.wait(ctrl, USED, used); used = Atomics.load(ctrl, USED); }
  let n;
  try {
    n = readSync(workerData.fd, ring, at, Math.min(size - used, size - at), null);
  } catch (err) {
    parentPort.postMessage({ code: err.code, message: err.message });
    Atomics.store(ctrl, STATE, ${STATE.FAILED});
    event();
    break;
  }
  if (n === 0) { Atomics.store(ctrl, STATE, ${STATE.EOF}); event(); break; }
  at = (at + n) % size;
  Atomics.add(ctrl, USED, n);
  event();
}
`;

/** `Atomics.waitAsync` (ES2024; in Node since 16), which the project's ES2022 library does not declare. */
type WaitAsync = (array: Int32Array, index: number, value: number, timeoutMs?: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Reads a pipe through a worker thread: `next()` gives the bytes in order, in spans of at most `maxSpan`, each valid until the next call. */
export class PipeReader {
  private readonly ring = new SharedArrayBuffer(RING_BYTES);
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(5 * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;
  /** Bytes the main thread read itself before the worker took over (the head start). */
  headStartBytes = 0;
  /** The head start: the main thread's non-blocking descriptor of the pipe and what it reads into; null once the worker reads. */
  private headStart: { fd: number; buf: Buffer } | null = null;
  /** The parser's position in the ring, and the length of the span it was last given. */
  private at = 0;
  private given = 0;
  private failure: DrainFailure | null = null;
  /** Set by `close`: the worker's end is then no failure. */
  private closed = false;
  private readonly failed: Promise<DrainFailure>;

  constructor(
    fd: number,
    private readonly maxSpan: number,
  ) {
    const data: DrainData = { fd, ring: this.ring, ctrl: this.ctrl.buffer as SharedArrayBuffer };
    try {
      this.headStart = { fd: openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK), buf: Buffer.allocUnsafe(maxSpan) };
    } catch {
      this.setGo(GO.READ); // no /proc: the worker reads from the start
    }
    // Referenced while it reads: a parser waiting in Atomics.waitAsync does not keep Node's event
    // loop alive by itself, the worker does.
    this.worker = new Worker(DRAIN_SOURCE, { eval: true, workerData: data });
    this.failed = new Promise((resolve) => {
      const fail = (f: DrainFailure): void => {
        this.failure ??= f;
        resolve(this.failure);
        // Wake a parser that waits for bytes that will not come.
        Atomics.add(this.ctrl, CTRL.SEQ, 1);
        Atomics.notify(this.ctrl, CTRL.SEQ);
      };
      this.worker.once('message', fail);
      this.worker.once('error', (err: Error) => fail({ message: `pipe reader: ${err.message}` }));
      this.worker.once('exit', () => {
        if (!this.closed && Atomics.load(this.ctrl, CTRL.STATE) === STATE.RUNNING) fail({ message: 'pipe reader stopped' });
      });
    });
  }

  /**
   * The next bytes of the pipe, a view into the ring, or null at its end. The span given before
   * is done with: the worker may reuse it.
   */
  async next(): Promise<Buffer | null> {
    const ctrl = this.ctrl;
    this.release();
    while (this.headStart !== null) {
      // A worker that failed to start reports it once the ring is read.
      if (Atomics.load(ctrl, CTRL.READY) !== 0 || this.failure !== null) {
        this.endHeadStart(GO.READ);
        break;
      }
      const n = readWhatIsThere(this.headStart);
      if (n > 0) {
        this.headStartBytes += n;
        return this.headStart.buf.subarray(0, n);
      }
      if (n === 0) {
        // The end of input, or an error: the worker reads the same and reports it.
        this.endHeadStart(GO.READ);
        break;
      }
      const wait = waitAsync(ctrl, CTRL.READY, 0, HEAD_START_POLL_MS);
      if (wait.async) await wait.value;
    }
    for (;;) {
      const seq = Atomics.load(ctrl, CTRL.SEQ);
      const used = Atomics.load(ctrl, CTRL.USED);
      if (used > 0) {
        this.given = Math.min(used, RING_BYTES - this.at, this.maxSpan);
        return Buffer.from(this.ring, this.at, this.given);
      }
      const state = Atomics.load(ctrl, CTRL.STATE);
      // Bytes are added before the state is set, so USED is final once the state says so.
      if (state === STATE.EOF && Atomics.load(ctrl, CTRL.USED) === 0) return null;
      if (state === STATE.FAILED || this.failure !== null) throw pipeError(this.failure ?? (await this.failed));
      const wait = waitAsync(ctrl, CTRL.SEQ, seq);
      if (wait.async) await wait.value;
    }
  }

  /** Ends the head start (if still on) and tells the worker to read from here, or to stop. */
  private endHeadStart(go: number): void {
    if (this.headStart !== null) closeSync(this.headStart.fd);
    this.headStart = null;
    this.setGo(go);
  }

  private setGo(go: number): void {
    Atomics.store(this.ctrl, CTRL.GO, go);
    Atomics.notify(this.ctrl, CTRL.GO);
  }

  /** Gives the span `next()` gave last back to the worker. */
  private release(): void {
    if (this.given === 0) return;
    this.at = (this.at + this.given) % RING_BYTES;
    Atomics.sub(this.ctrl, CTRL.USED, this.given);
    Atomics.notify(this.ctrl, CTRL.USED);
    this.given = 0;
  }

  /**
   * Stops the worker: at once if it waits for room; if it is blocked in a read of a pipe whose
   * writer went quiet, that read ends with the process, which it no longer keeps alive.
   */
  close(): void {
    this.closed = true;
    this.endHeadStart(GO.STOP);
    void this.worker.terminate();
    this.worker.unref();
  }
}

/**
 * Reads what the pipe holds now, without waiting, into `buf` (up to its size): the bytes read; 0
 * at the end of input or on an error; -1 when the pipe is empty.
 */
function readWhatIsThere({ fd, buf }: { fd: number; buf: Buffer }): number {
  let got = 0;
  try {
    for (let n = -1; n !== 0 && got < buf.length; got += n) n = readSync(fd, buf, got, buf.length - got, null);
  } catch (err) {
    if (got > 0) return got; // the next call meets the same state
    return (err as NodeJS.ErrnoException).code === 'EAGAIN' ? -1 : 0;
  }
  return got;
}

function pipeError(f: DrainFailure): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(f.message);
  if (f.code !== undefined) err.code = f.code;
  return err;
}
