// Packet clock: timers fire at their own deadlines, time never goes back, ticks see silence, holes are remembered.

import { describe, expect, it } from 'vitest';
import { PacketClock, UNWATCHED_SPANS } from '../../src/detect/clock';
import type { TimerOwner } from '../../src/detect/timer-queue';

/** A timer that records when it fired and what the clock said then. */
class Probe implements TimerOwner {
  timerSlot = -1;
  timerKey = Infinity;
  timerSeq = 0;
  timerDue = Infinity;
  constructor(
    readonly name: string,
    readonly log: [string, number, number][],
    readonly clock: PacketClock,
    readonly then?: (t: number) => void,
  ) {}
  onTimer(t: number): void {
    this.log.push([this.name, t, this.clock.now]);
    this.then?.(t);
  }
}

describe('PacketClock', () => {
  it('starts at the first frame and follows frame timestamps', () => {
    const c = new PacketClock();
    expect(c.now).toBe(-Infinity);
    expect(c.advance(1000.25)).toBe(1000.25);
    expect(c.advance(1001)).toBe(1001);
    expect(c.now).toBe(1001);
  });

  it('fires every timer due on the way in deadline order, each at its own deadline, not at the frame time', () => {
    const c = new PacketClock();
    const log: [string, number, number][] = [];
    c.advance(1000);
    c.timers.arm(new Probe('late', log, c), 1240);
    c.timers.arm(new Probe('early', log, c), 1100);
    c.timers.arm(new Probe('after', log, c), 1500);
    c.advance(1300);
    expect(log).toEqual([
      ['early', 1100, 1100],
      ['late', 1240, 1240],
    ]);
    expect(c.now).toBe(1300);
  });

  it('fires a timer due exactly at the frame time', () => {
    const c = new PacketClock();
    const log: [string, number, number][] = [];
    c.advance(0);
    c.timers.arm(new Probe('edge', log, c), 240);
    c.advance(239.999999);
    expect(log).toEqual([]);
    c.advance(240);
    expect(log).toEqual([['edge', 240, 240]]);
  });

  it('does not move back for an earlier timestamp, counts it, and handles the frame at its own time', () => {
    const c = new PacketClock();
    c.advance(1000);
    expect(c.advance(900)).toBe(1000);
    expect(c.advance(Number.NaN)).toBe(1000);
    expect(c.now).toBe(1000);
    expect(c.tsBackwards).toBe(2);
    expect(c.advance(1000)).toBe(1000);
    expect(c.tsBackwards).toBe(2);
  });

  it('fires timers on a tick with no frame, and ignores a tick behind the clock without counting it', () => {
    const c = new PacketClock();
    const log: [string, number, number][] = [];
    c.advance(1000);
    c.timers.arm(new Probe('silence', log, c), 1240);
    c.tick(1200);
    expect(log).toEqual([]);
    c.tick(1250);
    expect(log).toEqual([['silence', 1240, 1240]]);
    expect(c.tick(1100)).toBe(1250);
    expect(c.tsBackwards).toBe(0);
  });

  it('fires a timer that a handler arms in the past at the current time, keeping time monotonic', () => {
    const c = new PacketClock();
    const log: [string, number, number][] = [];
    c.advance(0);
    const late = new Probe('late', log, c);
    c.timers.arm(new Probe('first', log, c, () => c.timers.arm(late, 5)), 10);
    c.advance(20);
    expect(log).toEqual([
      ['first', 10, 10],
      ['late', 10, 10],
    ]);
  });

  it('remembers the most recent capture hole longer than holeMinS, between frames only', () => {
    const c = new PacketClock(300);
    c.advance(0);
    c.advance(300);
    expect(c.holeStartS).toBe(-Infinity);
    c.tick(1000);
    c.advance(1000.5);
    expect([c.holeStartS, c.holeS]).toEqual([300, 700.5]);
    c.advance(1400);
    expect([c.holeStartS, c.holeS]).toEqual([1000.5, 399.5]);
  });

  it('records a live restart as a span not watched, tells its listener before any timer fires, and keeps the latest spans only', () => {
    const c = new PacketClock(300);
    const log: [string, number, number][] = [];
    c.advance(1000);
    const restore = (): PacketClock => {
      const d = new PacketClock(300);
      d.restore(c.toState());
      return d;
    };
    const d = restore();
    d.timers.arm(new Probe('due-while-away', log, d), 1100);
    d.onRestart = () => log.push(['restart', d.watchedFromS, d.now]);
    d.markRestart();
    d.tick(1200);
    expect(log).toEqual([
      ['restart', 1200, 1000],
      ['due-while-away', 1100, 1100],
    ]);
    expect(d.unwatchedWithin(900, 1300)).toBe(200);
    expect([d.unwatchedStartS, d.unwatchedS]).toEqual([1000, 200]);
    expect(d.unwatchedWithin(1001, 1300)).toBe(0);
    // Time away is no capture hole.
    d.advance(1250);
    expect(d.holeS).toBe(0);
    // A restart of no time is none.
    const e = restore();
    e.markRestart();
    e.advance(1000);
    expect(e.toState().unwatched).toBeUndefined();
    expect(e.watchedFromS).toBe(-Infinity);
    // Many restarts: the latest UNWATCHED_SPANS, carried through the state.
    let f = restore();
    for (let k = 1; k <= UNWATCHED_SPANS + 4; k++) {
      f.markRestart();
      f.tick(1000 + k * 10);
      const g = new PacketClock(300);
      g.restore(JSON.parse(JSON.stringify(f.toState())));
      f = g;
    }
    expect(f.toState().unwatched).toHaveLength(2 * UNWATCHED_SPANS);
    expect(f.watchedFromS).toBe(1000 + (UNWATCHED_SPANS + 4) * 10);
  });
});
