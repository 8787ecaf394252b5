// The dumpcap tick watermark: the latency allowance, and the silence read from the interface's counters.

import { describe, expect, it } from 'vitest';
import { COUNT_LAG_S, TickWatermark } from '../../../src/capture/live/watermark';

const L = 0.4;
/** Small epoch times keep the arithmetic exact to a nanosecond (the watermark takes any). */
const T = 1000;

/** Ticks every `stepS` from `fromS` to `toS` (inclusive), each reading `packets`; the last vouched time. */
function run(w: TickWatermark, fromS: number, toS: number, packets: number | ((t: number) => number), waiting = true, stepS = 0.05): number {
  let vouched = -Infinity;
  const n = Math.round((toS - fromS) / stepS);
  for (let i = 0; i <= n; i++) {
    const t = fromS + i * stepS;
    const p = typeof packets === 'number' ? packets : packets(t);
    vouched = w.vouch(t, waiting, p, t + 0.0001);
  }
  return vouched;
}

describe('TickWatermark', () => {
  it('without counters, vouches for the allowance once dumpcap has waited that long, and nothing while it is busy', () => {
    const w = new TickWatermark(L);
    expect(w.vouch(T, true, -1, T)).toBe(-Infinity);
    expect(w.vouch(T + 0.35, true, -1, T + 0.35)).toBe(-Infinity);
    expect(w.vouch(T + 0.41, true, -1, T + 0.41)).toBeCloseTo(T + 0.01, 9);
    expect(w.vouch(T + 1, true, -1, T + 1)).toBeCloseTo(T + 0.6, 9);
    // Busy: it may be writing a backlog of any age; then a whole allowance of waiting again.
    expect(w.vouch(T + 1.05, false, -1, T + 1.05)).toBe(-Infinity);
    expect(w.vouch(T + 1.1, true, -1, T + 1.1)).toBe(-Infinity);
    expect(w.vouch(T + 1.45, true, -1, T + 1.45)).toBe(-Infinity);
    expect(w.vouch(T + 1.55, true, -1, T + 1.55)).toBeCloseTo(T + 1.15, 9);
  });

  it('through silence, vouches for now minus the count lag once the counters stood still for an allowance', () => {
    const w = new TickWatermark(L);
    // Still from T on: first the allowance rule alone (which needs waiting since T for L too).
    expect(run(w, T, T + 0.35, 100)).toBe(-Infinity);
    expect(w.vouch(T + 0.41, true, 100, T + 0.41)).toBeCloseTo(T + 0.41 - COUNT_LAG_S, 9);
    expect(w.vouch(T + 2, true, 100, T + 2)).toBeCloseTo(T + 2 - COUNT_LAG_S, 9);
  });

  it('counts the allowance of silence from the first read of the still value, after the clock of that tick', () => {
    const w = new TickWatermark(L);
    // The first read of 100 ends 0.1 s after its tick's clock (a slow read): silence counts from there.
    w.vouch(T, true, 100, T + 0.1);
    expect(w.vouch(T + 0.45, true, 100, T + 0.45)).toBeCloseTo(T + 0.05, 9); // the allowance rule only
    expect(w.vouch(T + 0.51, true, 100, T + 0.51)).toBeCloseTo(T + 0.51 - COUNT_LAG_S, 9);
  });

  it('starts the silence again at each change of the counters, and falls back on the allowance meanwhile', () => {
    const w = new TickWatermark(L);
    // One frame every 0.2 s: the counters never stand still for an allowance.
    const trickle = (t: number): number => Math.floor((t - T) / 0.2);
    expect(run(w, T, T + 3, trickle)).toBeCloseTo(T + 3 - L, 9);
    // Then silence from the last change on (read 15 just after T + 3.0): the rule holds from T + 3.4.
    expect(w.vouch(T + 3.35, true, 15, T + 3.35)).toBeCloseTo(T + 3.35 - L, 9);
    expect(w.vouch(T + 3.41, true, 15, T + 3.41)).toBeCloseTo(T + 3.41 - COUNT_LAG_S, 9);
  });

  it('vouches nothing by silence until dumpcap was seen waiting an allowance after the counters stopped', () => {
    const w = new TickWatermark(L);
    // Busy all along (writing what came before the silence): nothing.
    expect(run(w, T, T + 1, 7, false)).toBe(-Infinity);
    // Seen waiting: everything counted by T has been written.
    expect(w.vouch(T + 1.05, true, 7, T + 1.05)).toBeCloseTo(T + 1.05 - COUNT_LAG_S, 9);
    // Nothing was counted since: a wake-up with nothing to do (dumpcap's select timeout) changes nothing.
    expect(w.vouch(T + 1.1, false, 7, T + 1.1)).toBeCloseTo(T + 1.1 - COUNT_LAG_S, 9);
    // Waiting seen only before an allowance had passed since the counters stopped does not count.
    run(w, T + 1.15, T + 1.2, 8);
    expect(run(w, T + 1.25, T + 1.7, 8, false)).toBe(-Infinity);
  });

  it('forgets the silence when the counters cannot be read, and starts it again when they can', () => {
    const w = new TickWatermark(L);
    run(w, T, T + 1, 7);
    expect(w.vouch(T + 1.05, true, -1, T + 1.05)).toBeCloseTo(T + 1.05 - L, 9);
    expect(w.vouch(T + 1.1, true, 7, T + 1.1)).toBeCloseTo(T + 1.1 - L, 9);
    expect(w.vouch(T + 1.45, true, 7, T + 1.45)).toBeCloseTo(T + 1.45 - L, 9);
    expect(w.vouch(T + 1.51, true, 7, T + 1.51)).toBeCloseTo(T + 1.51 - COUNT_LAG_S, 9);
  });

  it('widens the count lag when a frame comes stamped before a time the silence vouched for, up to the allowance', () => {
    const w = new TickWatermark(L);
    const vouched = run(w, T, T + 2, 3);
    expect(vouched).toBeCloseTo(T + 2 - COUNT_LAG_S, 9);
    w.late(vouched + 0.001); // not before it: nothing learnt
    expect(w.lagS).toBe(COUNT_LAG_S);
    // Stamped 30 ms before the vouched time: counted at least 40 ms after its stamp.
    w.late(vouched - 0.03);
    expect(w.lagS).toBeCloseTo(2 * (0.03 + COUNT_LAG_S), 9);
    expect(w.vouch(T + 2.05, true, 3, T + 2.05)).toBeCloseTo(T + 2.05 - 0.08, 9);
    w.late(T);
    expect(w.lagS).toBe(L);
    // At the allowance the two rules agree.
    expect(w.vouch(T + 2.1, true, 3, T + 2.1)).toBeCloseTo(T + 2.1 - L, 9);
  });

  it('learns nothing from a frame later only than what the allowance vouched for', () => {
    const w = new TickWatermark(L);
    run(w, T, T + 1, -1);
    w.late(T + 0.5);
    expect(w.lagS).toBe(COUNT_LAG_S);
  });
});
