// The time a dumpcap TICK may vouch for: dumpcap's latency allowance, or through silence the interface's kernel packet counters standing still (Linux sysfs-class-net-statistics).

/**
 * How long after its stamp the kernel has counted a frame: veth, bridges and loopback count it
 * microseconds after stamping it, a NIC at transmit completion within about a millisecond, and the
 * live clock's anchor to the wall clock (which kernel stamps follow) is good to a millisecond.
 */
export const COUNT_LAG_S = 0.01;

/**
 * Decides, at each tick, the time no frame stamped earlier can still come from dumpcap, from what
 * the tick saw: the clock, whether dumpcap waits for packets, and the interface's rx + tx counters.
 * Pure: no I/O, nothing allocated.
 *
 * Two rules, the later time wins:
 *
 * - **Allowance.** dumpcap seen waiting for packets at every tick for `latencyS` has handed over
 *   every frame stamped `latencyS` ago (a frame waits at most the kernel's block timeout in the
 *   ring before dumpcap is woken): `now - latencyS`.
 * - **Silence.** The counters read at `r1` and at `r2` are equal: no frame was counted between.
 *   A frame is counted within `lagS` of its stamp, so one counted after `r2` is stamped after
 *   `r2 - lagS`; one counted by `r1` was in the ring by then and its block handed to dumpcap at
 *   most `latencyS` later, so once dumpcap has been seen waiting at a tick `latencyS` after `r1`,
 *   it has written it (and nothing counted since can keep it busy). Then `now - lagS` is vouched
 *   for: timers through silence fire a tick after they are due, not `latencyS` later. Frames
 *   counted late (a tap device whose reader is paused, a virtio NIC that counts a transmitted
 *   frame at the next one) break the premise: a frame that comes stamped before a time this rule
 *   vouched for widens `lagS` for this interface (see `late`).
 */
export class TickWatermark {
  /** Since when dumpcap was seen waiting at every tick; NaN while busy. */
  private waitingSinceS = NaN;
  /** The last tick that saw dumpcap waiting. */
  private waitedS = -Infinity;
  /** The counters at the last probe (-1: unreadable), and when they were first read at that value. */
  private packets = -1;
  private stillSinceS = NaN;
  /** The latest time the silence rule vouched for. */
  private silentS = -Infinity;

  constructor(
    /** How long after its stamp a frame may reach netgap through a dumpcap that keeps up (DUMPCAP_LATENCY_S). */
    private readonly latencyS: number,
    /** See COUNT_LAG_S; grows when a frame proves it too short (`late`). */
    public lagS = COUNT_LAG_S,
  ) {}

  /**
   * One tick. `nowS`: the clock before anything was read; `waiting`: whether dumpcap sleeps waiting
   * for packets (read after `nowS`); `packets`: the interface's rx + tx counters (read after that;
   * -1 when unreadable); `readS`: the clock right after the counters were read. Returns the time
   * the tick may vouch for, -Infinity for none.
   */
  vouch(nowS: number, waiting: boolean, packets: number, readS: number): number {
    // Only a dumpcap seen waiting for a whole allowance has handed over every older frame: one that
    // was just busy may still be writing a backlog of any age.
    if (!waiting) this.waitingSinceS = NaN;
    else if (Number.isNaN(this.waitingSinceS)) this.waitingSinceS = nowS;
    if (waiting) this.waitedS = nowS;
    const allowance = nowS - this.waitingSinceS >= this.latencyS ? nowS - this.latencyS : -Infinity;
    if (packets < 0 || packets !== this.packets) {
      this.packets = packets;
      this.stillSinceS = packets < 0 ? NaN : readS;
      return allowance;
    }
    const silent = nowS - this.lagS;
    // dumpcap wakes now and then (its select timeout) with nothing to do: seen waiting once is enough.
    if (this.waitedS - this.stillSinceS < this.latencyS || silent <= allowance) return allowance;
    if (silent > this.silentS) this.silentS = silent;
    return silent;
  }

  /**
   * Rare: a frame stamped `t` came after a tick had passed it. If the silence rule vouched for a
   * time after `t`, the interface counted that frame more than `lagS` after its stamp: `lagS`
   * becomes twice the lag that frame showed (room for one as long again), at most `latencyS`,
   * where the rule gives nothing the allowance does not.
   */
  late(t: number): void {
    if (t >= this.silentS) return;
    // The counters stood still until silentS + lagS at least: the frame was counted that long after its stamp, or later.
    const shown = this.silentS + this.lagS - t;
    this.lagS = Math.min(this.latencyS, Math.max(this.lagS, 2 * shown));
  }
}
