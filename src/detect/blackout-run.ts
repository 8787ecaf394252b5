// One run of unanswered requests to a host and one network change being watched: the inbound-blackout detector's timed records (KB4338822).

import type { BlackoutCause, LostCounts } from './alerts';
import type { BlackoutDetector } from './blackout';
import type { Host } from './blackout-host';
import { MARKER_WINDOW_S, QUARANTINE_S, QUARANTINE_TOLERANCE_S } from './blackout-rules';
import type { TimerOwner } from './timer-queue';

/** One run of unanswered requests to a host: a candidate until confirmed, then a blackout. Its timer settles it. */
export class Blackout implements TimerOwner {
  timerSlot = -1;
  timerKey = Infinity;
  timerSeq = 0;
  timerDue = Infinity;
  startS = 0;
  lastLostS = 0;
  lostTotal = 0;
  readonly lost: LostCounts = { icmp: 0, udp: 0, tcp_syn: 0 };
  synRetransmissions = 0;
  tcpThroughOnRetry = 0;
  /** Index into MARKER_KINDS, -1 when no marker was found. */
  markerKind = -1;
  markerS = 0;
  confirmed = false;
  /** Send time of the first answered request that ended it; NaN while open. */
  endS = NaN;
  /** True once the end alert was raised (or the unconfirmed run dropped). */
  settled = false;
  /** The host's MAC when it was confirmed. */
  mac: string | null = null;

  constructor(
    private readonly detector: BlackoutDetector,
    readonly host: Host,
  ) {}

  onTimer(t: number): void {
    this.detector.settle(this, t);
  }

  reset(startS: number): void {
    this.startS = startS;
    this.endS = NaN;
    this.settled = false;
    this.confirmed = false;
    this.lastLostS = startS;
    this.lostTotal = 0;
    this.lost.icmp = 0;
    this.lost.udp = 0;
    this.lost.tcp_syn = 0;
    this.synRetransmissions = 0;
    this.tcpThroughOnRetry = 0;
    this.markerKind = -1;
    this.markerS = 0;
  }
}

/** A network change of a host, waiting for its outage to be known. Its timer settles it when nothing was lost. */
export class OutageWatch implements TimerOwner {
  timerSlot = -1;
  timerKey = Infinity;
  timerSeq = 0;
  timerDue = Infinity;
  markerS = 0;
  /** Index into MARKER_KINDS. */
  markerKind = 0;
  mac = '';
  vlan = -1;

  constructor(
    private readonly detector: BlackoutDetector,
    readonly host: Host,
  ) {}

  onTimer(t: number): void {
    this.detector.outageTimer(this, t);
  }

  /** Does the run from `startS` to `endS` (NaN: open) overlap the marker's window? */
  relates(startS: number, endS: number): boolean {
    return startS <= this.markerS + MARKER_WINDOW_S && !(endS < this.markerS - MARKER_WINDOW_S);
  }
}

/** The cause an ended run supports: the quarantine ends QUARANTINE_S after the host's last network event. */
export function causeOf(b: Blackout): BlackoutCause {
  return b.markerKind >= 0 && Math.abs(b.endS - b.markerS - QUARANTINE_S) <= QUARANTINE_TOLERANCE_S ? 'interface-quarantine' : 'unknown';
}
