// The line writer: lines of one batch in one write, a line written in pieces, and the drain a slow reader asks for.

import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { LineWriter } from '../../src/output/line-writer';

/** A stream that takes `delayMs` to accept each write, and records what it got. */
function slowStream(delayMs: number): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _enc, callback) {
      writes.push(chunk.toString());
      setTimeout(callback, delayMs);
    },
  });
  return { stream, writes };
}

it('writes the lines of one job in one write, after the job', async () => {
  const { stream, writes } = slowStream(0);
  const out = new LineWriter(stream);
  out.line('a');
  out.line('b');
  expect(writes).toEqual([]);
  await Promise.resolve();
  expect(writes).toEqual(['a\nb\n']);
});

it('says when a stream that cannot keep up has drained, and nothing while it keeps up', async () => {
  const { stream, writes } = slowStream(20);
  const out = new LineWriter(stream);
  expect(out.drained()).toBeUndefined();
  out.line('x'.repeat(100)); // more than the stream's 64-byte high-water mark
  out.flush();
  const drained = out.drained();
  expect(drained).toBeInstanceOf(Promise);
  await drained;
  expect(stream.writableLength).toBe(0);
  expect(out.drained()).toBeUndefined();
  expect(writes).toEqual(['x'.repeat(100) + '\n']);
});

it('writes a line in pieces, waiting for the stream to drain between them', async () => {
  const { stream, writes } = slowStream(5);
  const out = new LineWriter(stream);
  let most = 0;
  function* pieces(): Generator<string> {
    for (let i = 0; i < 5; i++) {
      most = Math.max(most, stream.writableLength);
      yield `[${'y'.repeat(100)}]`;
    }
  }
  await out.linePieces(pieces());
  expect(writes.join('')).toBe(`${`[${'y'.repeat(100)}]`.repeat(5)}\n`);
  expect(most).toBeLessThanOrEqual(102); // never more than one piece waiting
});
