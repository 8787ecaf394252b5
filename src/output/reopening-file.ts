// An append-only output file that can be reopened by path (SIGHUP after logrotate moved it away), as Suricata's eve.json and syslog daemons do.

import { closeSync, openSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';

/**
 * A Writable over a file descriptor, written synchronously (as Node writes to files anyway):
 * each line has left the process when `write` returns, so nothing waits in memory when a reopen
 * swaps the descriptor. `reopen()` opens the path again; if that fails (the directory is gone,
 * the disk is read-only), writing goes on to the file already open and the error is returned for
 * the caller to report: nothing that can still be written is lost.
 */
export class ReopeningFile extends Writable {
  private fd: number;

  /** Opens (creating, appending) `path`; throws the system error (bad input, before capture). */
  constructor(readonly path: string) {
    super({ decodeStrings: true });
    this.fd = openSync(path, 'a', 0o640);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    try {
      for (let off = 0; off < chunk.length; ) off += writeSync(this.fd, chunk, off, chunk.length - off);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.closeFd();
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.closeFd();
    callback(err);
  }

  /** Opens the path again and switches to it; returns null, or the error (the old file stays in use). */
  reopen(): Error | null {
    let fd: number;
    try {
      fd = openSync(this.path, 'a', 0o640);
    } catch (err) {
      return err as Error;
    }
    const old = this.fd;
    this.fd = fd;
    if (old >= 0) closeSync(old);
    return null;
  }

  private closeFd(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}
