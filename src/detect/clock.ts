// The packet clock: time comes from frame timestamps (Zeek's network_time), never from the wall.

import type { ClockState } from './state';
import { loaded, stored } from './state';
import { TimerQueue } from './timer-queue';

/** Spans netgap was not running that the clock (and its state) keeps: a gap rarely spans more restarts than this. */
export const UNWATCHED_SPANS = 16;

/**
 * Detectors read time only from here. The clock moves when a frame arrives (`advance`) or, in
 * live mode, when a ticker reports that time has passed with no frame (`tick`), so silence is
 * seen too. Moving it fires every timer that fell due on the way, each at its own deadline, in
 * deadline order: an alert for "240 s after the last ARP" carries that moment even when the next
 * frame comes much later. At the end of a file nothing moves it further: no timer fires past the
 * last frame, since the capture says nothing about what came after.
 *
 * Time never goes back. A frame stamped earlier than the clock (clock steps, merged captures) is
 * counted in `tsBackwards` and handled at the clock's current time.
 *
 * It also remembers the most recent capture hole: two consecutive frames further apart than
 * `holeMinS`, which in a file may mean frames are missing (a paused or rotated capture), not that
 * the network was silent. Detectors mention it on alerts whose evidence spans it.
 *
 * After a live restart from a state file it also knows the spans netgap was not running at all
 * (the restored clock to the first frame or tick), the latest few, and when watching began again
 * (`watchedFromS`): a detector counts a deadline from there, since anything may have happened
 * unseen before it. A span of no time is no span.
 */
export class PacketClock {
  /** Current packet time, epoch seconds; -Infinity before the first frame. */
  now = -Infinity;
  /** Frames stamped earlier than the clock. */
  tsBackwards = 0;
  /** Start (time of the frame before it) and length of the most recent capture hole; -Infinity / 0 when none. */
  holeStartS = -Infinity;
  holeS = 0;
  /** End of the latest span netgap was not running (the restart), -Infinity when none: only what came after it was watched without a break. */
  watchedFromS = -Infinity;
  /** The latest spans netgap was not running, oldest first, as [start, length] pairs (at most UNWATCHED_SPANS). */
  private readonly unwatched: number[] = [];
  /** Told at a restart, once `watchedFromS` is set and before any timer fires: deadlines counted from before it move. */
  onRestart: () => void = () => {};
  readonly timers = new TimerQueue();
  /** Set by `markRestart`: the next move of the clock measures how long netgap was away. */
  private restarted = false;
  /** Time of the last frame that moved the clock (ticks do not count: they are not frames). */
  private lastFrameS = -Infinity;
  /** What `advance(t)` hands to `advanceTo`. */
  private readonly stamp = { ts: 0 };

  /** @param holeMinS inter-frame silence above which a stretch counts as a capture hole, seconds. */
  constructor(readonly holeMinS: number = Infinity) {}

  /**
   * Hot path: a frame stamped `frame.ts` arrived; `now` is then the time to handle it at. The
   * stamp is read from its field, not passed: a float passed to a call that V8 does not inline
   * is boxed, one allocation per frame.
   */
  advanceTo(frame: { readonly ts: number }): void {
    const t = frame.ts;
    // `!(t >= now)` is also true for NaN, which must not poison the clock.
    if (!(t >= this.now)) {
      this.tsBackwards++;
      return;
    }
    // Time netgap was not running is not a hole in the capture: it is said as such (`unwatched`).
    if (this.restarted && t > this.now) this.lastFrameS = t;
    if (this.lastFrameS !== -Infinity && t - this.lastFrameS > this.holeMinS) {
      this.holeStartS = this.lastFrameS;
      this.holeS = t - this.lastFrameS;
    }
    this.lastFrameS = t;
    this.runTo(t);
  }

  /** `advanceTo` for a frame stamped `t`; returns the time to handle it at. */
  advance(t: number): number {
    this.stamp.ts = t;
    this.advanceTo(this.stamp);
    return this.now;
  }

  /** Time `t` passed with no frame (live mode's ticker). A `t` behind the clock is ignored, not counted. */
  tick(t: number): number {
    if (t > this.now) this.runTo(t);
    return this.now;
  }

  /** The clock as a state file keeps it (detect/state.ts). */
  toState(): ClockState {
    return {
      now: stored(this.now),
      lastFrameS: stored(this.lastFrameS),
      holeStartS: stored(this.holeStartS),
      holeS: this.holeS,
      tsBackwards: this.tsBackwards,
      ...(this.unwatched.length > 0 ? { unwatched: [...this.unwatched] } : {}),
    };
  }

  /** Rare, before any frame: carry on from a saved clock (its timers are re-armed by their owners). */
  restore(s: ClockState): void {
    this.now = loaded(s.now, -Infinity);
    this.lastFrameS = loaded(s.lastFrameS, -Infinity);
    this.holeStartS = loaded(s.holeStartS, -Infinity);
    this.holeS = s.holeS;
    this.tsBackwards = s.tsBackwards;
    // Optional (state 2.1): absent, netgap never restarted live with this state.
    const spans = (s.unwatched ?? []).slice(-2 * UNWATCHED_SPANS);
    this.unwatched.length = 0;
    for (let i = 0; i + 1 < spans.length; i += 2) this.unwatched.push(spans[i]!, spans[i + 1]!);
    const n = this.unwatched.length;
    this.watchedFromS = n > 0 ? this.unwatched[n - 2]! + this.unwatched[n - 1]! : -Infinity;
  }

  /** Start (the restored clock) of the latest span netgap was not running; -Infinity when none. */
  get unwatchedStartS(): number {
    const n = this.unwatched.length;
    return n > 0 ? this.unwatched[n - 2]! : -Infinity;
  }

  /** Length of the latest span netgap was not running; 0 when none. */
  get unwatchedS(): number {
    const n = this.unwatched.length;
    return n > 0 ? this.unwatched[n - 1]! : 0;
  }

  /** Seconds netgap was not running between `fromS` and `toS` (spans that began in it), 0 when none: rare, for an alert. */
  unwatchedWithin(fromS: number, toS: number): number {
    let sum = 0;
    for (let i = 0; i < this.unwatched.length; i += 2) {
      const start = this.unwatched[i]!;
      if (start >= fromS && start < toS) sum += this.unwatched[i + 1]!;
    }
    return sum;
  }

  /** A live restart from a state file: the time until the next frame or tick was not watched. */
  markRestart(): void {
    this.restarted = this.now !== -Infinity;
  }

  private runTo(t: number): void {
    if (this.restarted) {
      // Before the timers run: a deadline that fell while netgap was away is counted again from now.
      this.restarted = false;
      if (t > this.now) {
        if (this.unwatched.length >= 2 * UNWATCHED_SPANS) this.unwatched.splice(0, 2);
        this.unwatched.push(this.now, t - this.now);
        this.watchedFromS = t;
        // Silence is measured from here: the first event may be a tick.
        this.lastFrameS = t;
        this.onRestart();
      }
    }
    for (let o = this.timers.popDue(t); o !== null; o = this.timers.popDue(t)) {
      // A timer armed in the past (by another timer's handler) fires now: time stays monotonic.
      if (o.timerKey > this.now) this.now = o.timerKey;
      o.onTimer(this.now);
    }
    this.now = t;
  }
}
