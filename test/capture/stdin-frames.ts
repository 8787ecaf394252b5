// Test helper run as a child process: reads `-` (its real standard input) and prints each frame as a JSON line, then the error if any.

import { readCaptures } from '../../src/capture/file/source-stream';
import { recordOf } from './frame-log';

readCaptures(['-'], (f) => process.stdout.write(`${JSON.stringify(recordOf(f))}\n`)).subscribe({
  error: (err: unknown) => process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`),
});
