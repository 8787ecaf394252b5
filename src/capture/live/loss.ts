// Capture loss measured against the interface's kernel counters: packets counted minus packets delivered, bounded from both sides.

/**
 * cap gives no drop count (no pcap_stats), so loss is measured from outside: the kernel counts
 * every packet the interface receives or sends (rx_packets + tx_packets), and a capture on the
 * interface should deliver each of them once. A sample reads the counters (`kernel`) right after
 * the capture ring was drained, with the packets delivered at that moment (`seen`), and again the
 * packets delivered once the ring was drained the next time (`seenAfter`, a pause later). Then:
 *
 * - every packet counted is lost, delivered by then, or still in the ring: `kernel - seen` is at
 *   least the loss (an upper bound: it includes what was in flight);
 * - everything in the ring at the counter read was delivered by the next drain, or lost:
 *   `kernel - seenAfter` is at most the loss (a lower bound: seenAfter also has later packets).
 *
 * Loss only grows, so the loss confirmed so far is the largest lower bound, and it can never
 * exceed the latest upper bound. When the traffic pauses the two bounds meet, and the figure is
 * exact. Alerts are raised only on the confirmed (lower-bound) figure: never for packets that were
 * merely in flight.
 *
 * A frame merged by offload (GRO/LRO/TSO) is one frame here and several packets in the counters:
 * the capture process counts it as the wire packets it is estimated to carry (counters.ts),
 * and while there are such frames (`oversize`) the figures rest on that estimate.
 */
export class LossMeter {
  /** Figures of earlier capture processes of this interface (before restarts). */
  private lostBefore = 0;
  private countedBefore = 0;
  private oversizeBefore = 0;
  /** This process's figures, since it opened the interface. */
  private lostNow = 0;
  private countedNow = 0;
  private oversizeNow = 0;
  /** False once a sample said the kernel count is not available. */
  measured = true;
  /** True once the capture's own kernel counts (PCAP_STATS) gave this process's figures exactly. */
  exact = false;

  /** Packets lost so far, confirmed. */
  get lost(): number {
    return this.lostBefore + this.lostNow;
  }

  /** Packets the kernel counted while netgap captured. */
  get counted(): number {
    return this.countedBefore + this.countedNow;
  }

  /** Frames longer than the MTU allows (offload-merged): while > 0 the figures are estimates. */
  get oversize(): number {
    return this.oversizeBefore + this.oversizeNow;
  }

  /**
   * One sample of a capture process (a STATS record, stream.ts), counts since it opened the
   * interface. `kernel` is -1 when the counters cannot be read.
   */
  sample(kernel: number, seen: number, seenAfter: number, oversize: number): void {
    this.oversizeNow = oversize;
    if (kernel < 0) {
      this.measured = false;
      return;
    }
    this.countedNow = kernel;
    const lower = kernel - seenAfter;
    const upper = kernel - seen;
    if (lower > this.lostNow) this.lostNow = lower;
    if (upper < this.lostNow) this.lostNow = Math.max(0, upper);
  }

  /**
   * The capture's own count of the packets its filter accepted and the kernel (or the capture
   * process) then dropped, since it opened the interface: exact, so it replaces the estimate of
   * this process's loss. `dropped` is -1 when the engine could not read it.
   */
  kernelCounts(delivered: number, dropped: number): void {
    if (dropped < 0) return;
    this.exact = true;
    this.measured = true;
    this.lostNow = dropped;
    this.countedNow = delivered + dropped;
  }

  /** A new capture process opened the interface: its counts start again from zero. */
  restart(): void {
    this.lostBefore += this.lostNow;
    this.countedBefore += this.countedNow;
    this.oversizeBefore += this.oversizeNow;
    this.lostNow = this.countedNow = this.oversizeNow = 0;
  }
}
