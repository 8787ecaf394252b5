// The one clock of `netgap live`: the host's monotonic clock (process.hrtime, CLOCK_MONOTONIC) anchored once to the wall clock.

import type { TimeOut } from '../timestamp';

const NS_PER_S = 1_000_000_000;
const NS_PER_S_BIG = 1_000_000_000n;
const NS_PER_MS_BIG = 1_000_000n;

/** Wall-clock time minus monotonic time, as whole seconds and nanoseconds (0 .. 1e9 - 1). */
export interface ClockAnchor {
  readonly sec: number;
  readonly nsec: number;
}

/**
 * Reads the wall clock (Date.now, milliseconds) and the monotonic clock once, at the start of a
 * live run. Every capture process of the run gets this anchor: CLOCK_MONOTONIC is the same clock in
 * every process on the host, so frames stamped by different processes share one time line.
 */
export function anchorClock(): ClockAnchor {
  const wallNs = BigInt(Date.now()) * NS_PER_MS_BIG;
  const offset = wallNs - process.hrtime.bigint();
  // Floor division, so that nsec stays in 0 .. 1e9 - 1 even for an (absurd) negative offset.
  let sec = offset / NS_PER_S_BIG;
  let nsec = offset % NS_PER_S_BIG;
  if (nsec < 0n) {
    nsec += NS_PER_S_BIG;
    sec -= 1n;
  }
  return { sec: Number(sec), nsec: Number(nsec) };
}

/**
 * Stamps with the monotonic clock plus the anchor. Precision: the monotonic clock counts
 * nanoseconds; the wall-clock anchor is good to about a millisecond (Date.now) and is read once,
 * so a step of the system clock during the run (NTP, an administrator) is not followed, while the
 * rate stays the kernel's (NTP slews CLOCK_MONOTONIC too). Timers and gaps are therefore exact to
 * the stamping delay, whatever happens to the wall clock.
 */
export class LiveClock {
  private readonly scratch: TimeOut = { tsSec: 0, tsNsec: 0 };

  constructor(readonly anchor: ClockAnchor) {}

  /**
   * Writes the current time into `out`. Hot path: process.hrtime() fills a preallocated array
   * inside Node, and the sum is plain double arithmetic, exact below 2^53 (no BigInt per call).
   */
  stamp(out: TimeOut): void {
    const hr = process.hrtime();
    let sec = this.anchor.sec + hr[0];
    let nsec = this.anchor.nsec + hr[1];
    if (nsec >= NS_PER_S) {
      nsec -= NS_PER_S;
      sec += 1;
    }
    out.tsSec = sec;
    out.tsNsec = nsec;
  }

  /** The current time as float epoch seconds, computed as frameTimeS() computes a frame's. */
  nowS(): number {
    this.stamp(this.scratch);
    return this.scratch.tsSec + this.scratch.tsNsec / NS_PER_S;
  }
}
