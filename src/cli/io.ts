// The standard streams a command runs on: the process's, or a test's.

import type { Readable, Writable } from 'node:stream';

export interface Io {
  /** The dashboard's keys. */
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** The process's streams; stdin is only opened when a command asks for it (Node makes it on first use). */
export function processIo(): Io {
  return {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
  };
}
