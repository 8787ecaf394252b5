// The metrics as a textfile for node_exporter's and windows_exporter's textfile collectors: written whole to a temp file, then renamed over.

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { NetgapMetrics } from './metrics';

/** How often the file is rewritten; node_exporter reads it on each of its own scrapes. */
export const TEXTFILE_INTERVAL_S = 15;

/**
 * Writes `text` to `path` atomically: a collector reading the directory sees the old file or the
 * new one, never half of one. The temp file does not end in `.prom`, so the collectors skip it.
 * Throws the system error (the caller names the option).
 */
export function writeFileAtomic(path: string, text: string, sync = false): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, text);
    if (sync) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  } finally {
    try {
      closeSync(fd);
    } catch {
      // closed above
    }
  }
  renameSync(tmp, path);
}

/** Rewrites the textfile every TEXTFILE_INTERVAL_S seconds and once more at stop. */
export class TextfileWriter {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** The last write's error, reported once by the caller; cleared by a write that succeeds. */
  lastError: Error | null = null;

  constructor(
    readonly path: string,
    private readonly metrics: NetgapMetrics,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  /** One write now; rejects with the system error (a start-up check: a path that cannot be written is bad input). */
  async write(): Promise<void> {
    const text = await this.metrics.textfile();
    writeFileAtomic(this.path, text);
  }

  start(intervalS = TEXTFILE_INTERVAL_S): void {
    this.timer = setInterval(() => this.tick(), intervalS * 1000);
    this.timer.unref();
  }

  /** Stops the timer and writes the final figures. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.writing;
    this.tick();
    await this.writing;
  }

  private tick(): void {
    this.writing = this.writing.then(() =>
      this.write().then(
        () => {
          this.lastError = null;
        },
        (err: Error) => {
          // A failing directory is said once, not every 15 s.
          if (this.lastError === null) this.onError(err);
          this.lastError = err;
        },
      ),
    );
  }
}
