// The capture process's record writer: what it writes through a pipe, the merge reads back, in order, whatever the load.

import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveMerge } from '../../../src/capture/live/merge';
import { RecordWriter } from '../../../src/capture/live/stream';

const dir = mkdtempSync(join(tmpdir(), 'netgap-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RecordWriter', () => {
  it('writes frames, ticks, HELLO and STATS that the merge reads back unchanged and in order', async () => {
    const file = join(dir, 'records.bin');
    const fd = openSync(file, 'w');
    const w = new RecordWriter(fd, (err) => {
      throw err;
    });
    const src = Buffer.alloc(2000);
    for (let i = 0; i < src.length; i++) src[i] = i & 0xff;
    w.hello({ tsSec: 100, tsNsec: 0 }, 1, 1500);
    // Enough frames to fill several chunks, written while earlier chunks are still in flight.
    const n = 2000;
    for (let i = 0; i < n; i++) {
      expect(w.frame({ tsSec: 100, tsNsec: 1000 + i }, src, 60 + (i % 1400))).toBe(true);
      if (i % 97 === 0) w.flush();
    }
    w.stats({ tsSec: 100, tsNsec: 5000 }, 2000, 1990, 2000, 0);
    w.tick({ tsSec: 101, tsNsec: 0 });
    await new Promise<void>((resolve) => w.end(resolve));
    closeSync(fd);

    const merge = new LiveMerge(1);
    merge.open(0);
    const seen: string[] = [];
    let frames = 0;
    let bytesOk = true;
    merge.attach({
      frame: (f) => {
        const len = 60 + (frames % 1400);
        bytesOk &&= f.capLen === len && f.tsNsec === 1000 + frames && f.buf.subarray(f.off, f.off + len).equals(src.subarray(0, len));
        frames++;
      },
      tick: (t) => seen.push(`tick ${t}`),
      hello: (_i, _t, linkType, mtu) => seen.push(`hello ${linkType} ${mtu}`),
      stats: (_i, _t, kernel, seenNow, seenAfter) => seen.push(`stats ${kernel} ${seenNow} ${seenAfter}`),
      pcapStats: (_i, _t, delivered, dropped) => seen.push(`pcap-stats ${delivered} ${dropped}`),
    });
    merge.push(0, readFileSync(file));
    expect(frames).toBe(n);
    expect(bytesOk).toBe(true);
    expect(seen).toEqual(['hello 1 1500', 'stats 2000 1990 2000', 'tick 101']);
  });

  it('reports a failed write (as EPIPE when the parent is gone) to its callback instead of throwing', async () => {
    closeSync(openSync(join(dir, 'ro.bin'), 'w'));
    const readOnly = openSync(join(dir, 'ro.bin'), 'r');
    const failed = new Promise<Error>((resolve) => {
      const w = new RecordWriter(readOnly, resolve);
      w.tick({ tsSec: 1, tsNsec: 0 });
      expect(() => w.flush()).not.toThrow();
    });
    expect(((await failed) as NodeJS.ErrnoException).code).toBe('EBADF');
    closeSync(readOnly);
  });
});
