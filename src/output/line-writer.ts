// Writes output lines in batches: one write per batch of frames, so `tail -f`, `| jq` and log shippers see each alert within a batch.

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stderrLine } from './journal';

/**
 * A line sink over a stream. Lines are gathered and written together when the current job ends
 * (a microtask): alerts are raised synchronously while a chunk of a file or a live burst is
 * handled, so a batch's lines leave in one write as soon as that batch is done, never later.
 * Batching, because one write per line costs more than the rest of the output together on a file
 * with thousands of alerts (tcpdump buffers its output likewise). On Linux, Node writes to pipes and files synchronously, so a batch has left
 * the process when its write returns; `flush()` writes at once (before an exit).
 *
 * A reader that goes away (`| head`) gives EPIPE: that is the reader's choice, not an error, so
 * we exit quietly, the way tcpdump does on SIGPIPE; any other write error (a full disk) is one
 * line on stderr and exit 2.
 */
export class LineWriter {
  private pending = '';
  private scheduled = false;
  private readonly flushNow = (): void => this.flush();

  constructor(private readonly out: Writable) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      process.stderr.write(stderrLine('err', `cannot write output: ${err.message}`));
      process.exit(2);
    });
  }

  line(text: string): void {
    this.pending += text + '\n';
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.flushNow);
  }

  /**
   * One line written in pieces, each as it comes, so that a line of tens of MB (a summary of a
   * full station table) is never held whole. The next piece is made only once the stream has
   * drained, because a pipe whose reader is slower than netgap would otherwise queue all of it.
   */
  async linePieces(pieces: Iterable<string>): Promise<void> {
    this.flush();
    for (const piece of pieces) {
      if (piece !== '' && !this.out.write(piece)) await once(this.out, 'drain');
    }
    this.out.write('\n');
  }

  /**
   * Undefined while the stream takes what it is given; otherwise a promise that settles once it
   * has drained. A source that waits for it (`read`'s `holdBack`) goes no faster than the reader
   * of its output, so alert lines never pile up in memory behind a stalled `| jq`.
   */
  drained(): Promise<void> | undefined {
    if (!this.out.writableNeedDrain) return undefined;
    return once(this.out, 'drain').then(() => undefined);
  }

  /** Writes the lines gathered so far. */
  flush(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.out.write(text);
  }
}
