// Loss from kernel counters: packets in flight are never counted as lost, real loss is confirmed, and a quiet sample is exact.

import { describe, expect, it } from 'vitest';
import { LossMeter } from '../../../src/capture/live/loss';

describe('LossMeter', () => {
  it('counts nothing for packets that were only in the ring when the counters were read', () => {
    const m = new LossMeter();
    // 1000 counted, 970 delivered at the read, all 1000 (and 40 newer ones) by the next drain.
    m.sample(1000, 970, 1040, 0);
    expect(m.lost).toBe(0);
    expect(m.counted).toBe(1000);
  });

  it('confirms what even the next drain did not deliver, and settles on the exact figure when traffic pauses', () => {
    const m = new LossMeter();
    m.sample(1000, 900, 950, 0); // at least 50 lost, at most 100
    expect(m.lost).toBe(50);
    m.sample(2000, 1880, 1900, 0); // at least 100
    expect(m.lost).toBe(100);
    m.sample(2500, 2380, 2380, 0); // quiet: exactly 120
    expect(m.lost).toBe(120);
  });

  it('never reports more than is missing now (a bound that proved too high is corrected)', () => {
    const m = new LossMeter();
    m.sample(1000, 900, 940, 0);
    expect(m.lost).toBe(60);
    m.sample(1500, 1450, 1450, 0);
    expect(m.lost).toBe(50);
  });

  it('keeps the losses and counts of a capture process that was replaced', () => {
    const m = new LossMeter();
    m.sample(500, 480, 480, 2);
    m.restart();
    m.sample(300, 290, 290, 1);
    expect(m.lost).toBe(30);
    expect(m.counted).toBe(800);
    expect(m.oversize).toBe(3);
  });

  it('marks the loss as not measured when the counters cannot be read', () => {
    const m = new LossMeter();
    m.sample(-1, 10, 10, 0);
    expect(m.measured).toBe(false);
    expect(m.lost).toBe(0);
  });
});
