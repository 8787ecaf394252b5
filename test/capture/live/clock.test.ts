// The live clock: the monotonic clock anchored once to the wall clock, the same in every process.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorClock, LiveClock } from '../../../src/capture/live/clock';

describe('LiveClock', () => {
  it('stamps the wall-clock time to within a few milliseconds, nanoseconds in range', () => {
    const clock = new LiveClock(anchorClock());
    const t = { tsSec: 0, tsNsec: 0 };
    clock.stamp(t);
    expect(Math.abs(t.tsSec + t.tsNsec / 1e9 - Date.now() / 1000)).toBeLessThan(0.005);
    expect(t.tsNsec).toBeGreaterThanOrEqual(0);
    expect(t.tsNsec).toBeLessThan(1e9);
  });

  it('never goes back, whatever the wall clock does', () => {
    const clock = new LiveClock(anchorClock());
    let last = -Infinity;
    for (let i = 0; i < 100_000; i++) {
      const now = clock.nowS();
      expect(now >= last).toBe(true);
      last = now;
    }
  });

  it('gives another process with the same anchor the same time line', () => {
    const anchor = anchorClock();
    const here = new LiveClock(anchor);
    const before = here.nowS();
    const script = `const { LiveClock } = require(${JSON.stringify(join(__dirname, '..', '..', '..', 'dist', 'capture', 'live', 'clock.js'))});
      process.stdout.write(String(new LiveClock(${JSON.stringify(anchor)}).nowS()));`;
    const there = Number(spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout);
    const after = here.nowS();
    expect(there).toBeGreaterThanOrEqual(before);
    expect(there).toBeLessThanOrEqual(after);
  });
});
