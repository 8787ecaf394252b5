// Packet-time timer heap: deadline order, lazy re-arm bound, removal, against a sorted model.

import { describe, expect, it } from 'vitest';
import type { TimerOwner } from '../../src/detect/timer-queue';
import { TimerQueue } from '../../src/detect/timer-queue';

class Owner implements TimerOwner {
  timerSlot = -1;
  timerKey = Infinity;
  timerSeq = 0;
  timerDue = Infinity;
  constructor(readonly name: string) {}
  onTimer(): void {}
}

/** Pops everything due by `t`: [name, deadline] in pop order. */
function drain(q: TimerQueue, t: number): [string, number][] {
  const out: [string, number][] = [];
  for (let o = q.popDue(t); o !== null; o = q.popDue(t)) out.push([(o as Owner).name, o.timerKey]);
  return out;
}

describe('TimerQueue', () => {
  it('pops owners in deadline order, each with its own deadline', () => {
    const q = new TimerQueue();
    const [a, b, c] = [new Owner('a'), new Owner('b'), new Owner('c')];
    q.arm(a, 30);
    q.arm(b, 10);
    q.arm(c, 20);
    expect(drain(q, 25)).toEqual([
      ['b', 10],
      ['c', 20],
    ]);
    expect(drain(q, 100)).toEqual([['a', 30]]);
    expect(q.size).toBe(0);
  });

  it('pops a deadline equal to the time asked, and equal deadlines in arming order', () => {
    const q = new TimerQueue();
    const owners = ['a', 'b', 'c', 'd'].map((n) => new Owner(n));
    for (const o of owners) q.arm(o, 50);
    expect(drain(q, 50).map(([n]) => n)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps one heap entry for an owner re-armed a million times, and fires it once at the last deadline', () => {
    const q = new TimerQueue();
    const flood = new Owner('flood');
    const quiet = new Owner('quiet');
    q.arm(quiet, 500_000.5);
    let largest = 0;
    for (let i = 0; i < 1_000_000; i++) {
      q.arm(flood, i + 240);
      largest = Math.max(largest, q.size);
    }
    expect(largest).toBe(2);
    expect(drain(q, 2_000_000)).toEqual([
      ['quiet', 500_000.5],
      ['flood', 999_999 + 240],
    ]);
  });

  it('moves an entry up in place when re-armed earlier', () => {
    const q = new TimerQueue();
    const [a, b] = [new Owner('a'), new Owner('b')];
    q.arm(a, 100);
    q.arm(b, 50);
    q.arm(a, 10);
    expect(q.size).toBe(2);
    expect(drain(q, 60)).toEqual([
      ['a', 10],
      ['b', 50],
    ]);
  });

  it('drops a disarmed owner when its entry comes up, and can arm it again', () => {
    const q = new TimerQueue();
    const a = new Owner('a');
    q.arm(a, 10);
    q.disarm(a);
    expect(drain(q, 100)).toEqual([]);
    expect(q.size).toBe(0);
    q.arm(a, 200);
    expect(drain(q, 200)).toEqual([['a', 200]]);
  });

  it('takes a removed owner out at once, leaving the others in order', () => {
    const q = new TimerQueue();
    const owners = Array.from({ length: 9 }, (_, i) => new Owner(String(i)));
    owners.forEach((o, i) => q.arm(o, (i * 7) % 9));
    q.remove(owners[4]!);
    q.remove(owners[0]!);
    expect(q.size).toBe(7);
    expect(owners[4]!.timerSlot).toBe(-1);
    const names = drain(q, 100).map(([n]) => Number(n));
    expect(names).toEqual([1, 2, 3, 5, 6, 7, 8].sort((x, y) => ((x * 7) % 9) - ((y * 7) % 9)));
  });

  it('agrees with a sorted list under random arming, re-arming, disarming and removal', () => {
    // A small linear congruential generator keeps the test deterministic.
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const q = new TimerQueue();
    const owners = Array.from({ length: 50 }, (_, i) => new Owner(String(i)));
    const due = new Map<Owner, number>();
    for (let step = 0; step < 5000; step++) {
      const o = owners[Math.floor(rnd() * owners.length)]!;
      const r = rnd();
      if (r < 0.6) {
        const d = Math.floor(rnd() * 1000);
        q.arm(o, d);
        due.set(o, d);
      } else if (r < 0.8) {
        q.disarm(o);
        due.delete(o);
      } else {
        q.remove(o);
        due.delete(o);
      }
      expect(q.size).toBeLessThanOrEqual(owners.length);
    }
    const want = [...due.entries()].sort((x, y) => x[1] - y[1]).map(([, d]) => d);
    expect(drain(q, Infinity).map(([, d]) => d)).toEqual(want);
  });
});
