// Lines of a capture process's stderr (rare: warnings and errors), through node:readline.

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Calls `onLine` for each non-empty line of `stream` (CR LF or LF), the last one included when it has no newline. */
export function readLines(stream: Readable, onLine: (line: string) => void): void {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line !== '') onLine(line);
  });
}
