import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PipeReader } from '../../../src/capture/file/pipe-reader';

const dir = mkdtempSync(join(tmpdir(), 'netgap-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes no two stretches of which look alike, so that a byte out of order shows. */
function counting(n: number, from: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i += 4) b.writeUInt32BE((from + i / 4) >>> 0, i);
  return b;
}

/** A FIFO whose only writer is a shell running `script` ($1 is the test's folder); returns the reading end. */
function fifoWrittenBy(name: string, script: string): { fd: number; writer: ChildProcess } {
  const fifo = join(dir, name);
  execFileSync('mkfifo', [fifo]);
  // Read-write first, so that neither open waits for the other end.
  const rw = openSync(fifo, 'r+');
  const writer = spawn('sh', ['-c', script, 'sh', dir], { stdio: ['ignore', rw, 'inherit'] });
  const fd = openSync(fifo, 'r');
  closeSync(rw);
  return { fd, writer };
}

async function readAll(reader: PipeReader): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let span = await reader.next(); span !== null; span = await reader.next()) parts.push(Buffer.from(span));
  return Buffer.concat(parts);
}

describe('PipeReader', () => {
  it('reads the pipe itself while its worker starts, then hands over to it with no byte lost or out of order', async () => {
    const first = counting(2 << 20, 0);
    const second = counting(2 << 20, first.length / 4);
    writeFileSync(join(dir, 'first'), first);
    writeFileSync(join(dir, 'second'), second);
    // The second half comes after a pause much longer than the worker takes to start.
    const { fd, writer } = fifoWrittenBy('handover.fifo', 'cat "$1/first"; sleep 0.3; cat "$1/second"');
    const reader = new PipeReader(fd, 256 * 1024);
    try {
      expect((await readAll(reader)).equals(Buffer.concat([first, second]))).toBe(true);
      // Some of the first half came through the head start, and all of the second through the worker.
      expect(reader.headStartBytes).toBeGreaterThan(0);
      expect(reader.headStartBytes).toBeLessThanOrEqual(first.length);
    } finally {
      reader.close();
      closeSync(fd);
      writer.kill();
    }
  });

  it('closes during the head start without waiting for a quiet writer', async () => {
    writeFileSync(join(dir, 'some'), counting(1000, 0));
    const { fd, writer } = fifoWrittenBy('quiet.fifo', 'cat "$1/some"; exec sleep 30');
    const reader = new PipeReader(fd, 64 * 1024);
    try {
      const span = await reader.next();
      expect(span?.length).toBe(1000);
      expect(reader.headStartBytes).toBe(1000);
    } finally {
      reader.close();
      closeSync(fd);
      writer.kill();
    }
  });
});
