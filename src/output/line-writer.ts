// Writes output one line at a time, so `tail -f`, `| jq` and log shippers see each alert at once.

import type { Writable } from 'node:stream';

/**
 * A line sink over a stream. On Linux, Node writes to pipes and files synchronously, so each line
 * has left the process when `line()` returns: no buffering to flush at exit. A reader that goes
 * away (`| head`) gives EPIPE: that is the reader's choice, not an error, so we exit quietly,
 * the way tcpdump does on SIGPIPE; any other
 * write error (a full disk) is one line on stderr and exit 2.
 */
export class LineWriter {
  constructor(private readonly out: Writable) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      process.stderr.write(`netgap: cannot write output: ${err.message}\n`);
      process.exit(2);
    });
  }

  line(text: string): void {
    this.out.write(text + '\n');
  }
}
