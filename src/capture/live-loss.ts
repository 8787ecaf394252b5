// Capture loss measured against the interface's kernel counters: packets counted minus packets delivered, confirmed by two consecutive samples.

/**
 * cap gives no drop count (no pcap_stats), so loss is measured from outside: the kernel counts
 * every packet the interface receives or sends (rx_packets + tx_packets), and a capture on the
 * interface should deliver each of them once. The difference, `missing`, is what was lost plus
 * what was still in flight (in the capture ring, between the counter read and the next drain) when
 * the sample was taken. Loss only grows and in-flight packets are delivered soon after, so a
 * packet counts as lost once two consecutive samples both miss it: the confirmed loss is
 * max(previous confirmed, min(previous missing, this missing)). Samples are taken right after the
 * ring was drained, so `missing` is already close to the loss.
 *
 * A frame merged by offload (GRO/LRO/TSO) is one frame here and several packets in the counters:
 * it counts as the wire packets it is estimated to carry (live-counters.ts), and a figure that
 * rests on such an estimate is flagged `approximate`.
 */
export class LossMeter {
  /** Packets lost in earlier capture processes of this interface (before restarts). */
  private lostBefore = 0;
  private countedBefore = 0;
  private capturedBefore = 0;
  private oversizeBefore = 0;
  /** This process's figures, since it opened the interface. */
  private lostNow = 0;
  private countedNow = 0;
  private capturedNow = 0;
  private oversizeNow = 0;
  private previousMissing = NaN;
  /** False once a sample said the kernel count is not available. */
  measured = true;

  /** Packets lost so far, confirmed. */
  get lost(): number {
    return this.lostBefore + this.lostNow;
  }

  /** Packets the kernel counted while netgap captured. */
  get counted(): number {
    return this.countedBefore + this.countedNow;
  }

  /** Frames cap delivered. */
  get captured(): number {
    return this.capturedBefore + this.capturedNow;
  }

  /** Frames longer than the MTU allows (offload-merged): while > 0 the figures are estimates. */
  get oversize(): number {
    return this.oversizeBefore + this.oversizeNow;
  }

  /**
   * One sample of a capture process (STATS record): counts since it opened the interface.
   * `kernel` is -1 when the counters cannot be read.
   */
  sample(kernel: number, frames: number, oversize: number, oversizePackets: number): void {
    this.capturedNow = frames;
    this.oversizeNow = oversize;
    if (kernel < 0) {
      this.measured = false;
      return;
    }
    this.countedNow = kernel;
    const missing = kernel - (frames - oversize + oversizePackets);
    if (!Number.isNaN(this.previousMissing)) {
      const confirmed = Math.min(this.previousMissing, missing);
      if (confirmed > this.lostNow) this.lostNow = confirmed;
    }
    this.previousMissing = missing;
  }

  /** A new capture process opened the interface: its counts start again from zero. */
  restart(): void {
    this.lostBefore += this.lostNow;
    this.countedBefore += this.countedNow;
    this.capturedBefore += this.capturedNow;
    this.oversizeBefore += this.oversizeNow;
    this.lostNow = this.countedNow = this.capturedNow = this.oversizeNow = 0;
    this.previousMissing = NaN;
  }
}
