// dumpcap's stdout read in batches from a FIFO (POSIX mkfifo), so that a packet does not cost a read and an event.

import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Read buffer of a DumpcapPipe: a pipe holds 64 KiB, so one read takes all of it. */
const PIPE_READ_BYTES = 1024 * 1024;
/** Between reads while data comes, and at most while none does (the pause doubles up to it). */
const PIPE_PAUSE_MIN_MS = 2;
const PIPE_PAUSE_MAX_MS = 10;

/**
 * dumpcap's stdout, read here in batches: dumpcap writes each packet with its own write(), and read
 * as a stream every packet would cost a read and a 'data' event. So dumpcap writes into a FIFO whose
 * read end is non-blocking and read on a timer, everything there at once; and `drain()` reads it at
 * once when a tick needs all that dumpcap wrote before a moment. POSIX only (mkfifo); Windows reads stdout.
 */
export class DumpcapPipe {
  /** The write end, for dumpcap's stdout; the parent closes its copy once dumpcap started (closeWriteEnd). */
  writeFd: number;
  private readonly readFd: number;
  private readonly buf = Buffer.allocUnsafe(PIPE_READ_BYTES);
  private timer: NodeJS.Timeout | null = null;
  private pauseMs = PIPE_PAUSE_MIN_MS;
  private ended = false;

  /** Makes the FIFO (in a private directory, removed at once: both ends stay open). Throws when it cannot. */
  constructor(
    private readonly onData: (chunk: Buffer) => void,
    /** The write end closed (dumpcap exited) and everything was read. */
    private readonly onEnd: () => void,
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'netgap-dumpcap-'));
    try {
      const path = join(dir, 'pcapng');
      const made = spawnSync('mkfifo', ['-m', '600', path], { stdio: 'ignore' });
      if (made.status !== 0) throw new Error('mkfifo failed');
      // The read end first, non-blocking, so that opening the write end does not wait.
      this.readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      this.writeFd = openSync(path, constants.O_WRONLY);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** After the spawn: dumpcap holds the write end; the end comes when it exits. Starts reading. */
  closeWriteEnd(): void {
    if (this.writeFd >= 0) closeSync(this.writeFd);
    this.writeFd = -1;
    this.schedule();
  }

  /** Reads all there is now; returns the bytes read. At the end of input, calls onEnd (once). */
  drain(): number {
    let total = 0;
    while (!this.ended) {
      let n: number;
      try {
        n = readSync(this.readFd, this.buf, 0, this.buf.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') break;
        n = 0; // a read error ends the input as its end would
      }
      if (n === 0) {
        // No writer left: dumpcap exited (or never had the write end, before closeWriteEnd).
        if (this.writeFd >= 0) break;
        this.end();
        break;
      }
      total += n;
      this.onData(this.buf.subarray(0, n));
    }
    return total;
  }

  /** Stops reading and closes the read end (nothing more is delivered). */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.ended) {
      this.ended = true;
      closeSync(this.readFd);
    }
    if (this.writeFd >= 0) closeSync(this.writeFd);
    this.writeFd = -1;
  }

  private end(): void {
    this.ended = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    closeSync(this.readFd);
    this.onEnd();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      const n = this.drain();
      if (this.ended) return;
      this.pauseMs = n > 0 ? PIPE_PAUSE_MIN_MS : Math.min(PIPE_PAUSE_MAX_MS, this.pauseMs * 2);
      this.schedule();
    }, this.pauseMs);
  }
}
