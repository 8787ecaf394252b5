// A pipe drained by a worker thread into a shared ring, so that the writer is never kept waiting while netgap parses.

import { Worker } from 'node:worker_threads';

/*
 * Why a thread: a pipe holds 64 KiB. Read on the main thread, the writer (`cat`, `zcat`,
 * `tcpdump -w -`) waits whenever netgap is parsing, and netgap waits for the writer whenever the
 * pipe is empty: on the bench's 2-core virtual machines `cat F | netgap read -` spent as long
 * blocked in read() as parsing, 1.8x the time of reading F. A worker that does nothing but read
 * keeps the pipe empty, into a ring that the main thread parses in place.
 *
 * The ring is single-producer, single-consumer. `USED` (bytes in the ring) is the one counter
 * both sides change: the worker adds what it read, the parser subtracts what it is done with.
 * Each side keeps its own position. `SEQ` counts the worker's events (bytes added, end of input,
 * failure); the parser waits on it, so a wake-up cannot be missed between its check and its wait.
 */

/** Ring size: the worker may run this far ahead of the parser. */
const RING_BYTES = 8 * 1024 * 1024;
/** Indexes into the control array. */
const CTRL = { USED: 0, SEQ: 1, STATE: 2 } as const;
const STATE = { RUNNING: 0, EOF: 1, FAILED: 2 } as const;

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
 * are CTRL's and STATE's. It waits while the ring is full, reads what fits (a pipe's read returns
 * what the pipe holds), and reports each read, the end of input, or a failure.
 */
const DRAIN_SOURCE = `
const { readSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const [USED, SEQ, STATE] = [${CTRL.USED}, ${CTRL.SEQ}, ${CTRL.STATE}];
const ring = new Uint8Array(workerData.ring);
const ctrl = new Int32Array(workerData.ctrl);
const size = ring.length;
const event = () => { Atomics.add(ctrl, SEQ, 1); Atomics.notify(ctrl, SEQ); };
let at = 0;
for (;;) {
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
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Reads a pipe through a worker thread: `next()` gives the bytes in order, in spans of at most `maxSpan`, each valid until the next call. */
export class PipeReader {
  private readonly ring = new SharedArrayBuffer(RING_BYTES);
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;
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
    void this.worker.terminate();
    this.worker.unref();
  }
}

function pipeError(f: DrainFailure): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(f.message);
  if (f.code !== undefined) err.code = f.code;
  return err;
}
