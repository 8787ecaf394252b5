// ARP-gap entry: one bridge forwarding entry's gap state, per station (and VLAN), as the detector keeps it (KB2832644).

import type { ArpGapCause } from './alerts';
import type { ArpGapDetector } from './arp-gap';
import type { SynRing } from './arp-gap-cause';
import type { PacketClock } from './clock';
import type { TimerOwner } from './timer-queue';

export interface ArpGapOptions {
  /** The bridge's forwarding-entry lifetime, seconds (KB2832644: 300). */
  arpThresholdS: number;
  /** Warn when a talking station's last ARP is this old, seconds (< arpThresholdS). */
  arpWarnS: number;
  /** One entry per MAC and VLAN instead of one per MAC. */
  perVlan: boolean;
  /** The station table's cap: sizes the pool of entries beyond each station's first (ARP_GAP_EXTRA_PER_STATION). */
  maxStations: number;
}

/**
 * What the detector needs of a station (the station table's Station): declared here so that this
 * module does not import the table, which holds these entries.
 */
export interface GapStation {
  /** The MAC, 48 bits as a number. */
  readonly mac: number;
  /** The IPv4 it claimed most recently, -1 when none. */
  readonly lastIp: number;
  /** Its entries: one, or one per VLAN with `perVlan`. */
  readonly arpGap: readonly ArpGapEntry[];
  addArpGapEntry(e: ArpGapEntry): void;
}

/** A station's gap state at some time, for the summary and the dashboard. */
export type ArpGapStatus =
  /** Its last ARP is younger than the warning age. */
  | 'ok'
  /** Talking, last ARP between the warning age and the threshold. */
  | 'warning'
  /** It sent a frame past the threshold and has not ARPed since. */
  | 'expired'
  /** Its last ARP is older than the warning age and it has not talked since (or not past the threshold). */
  | 'silent';

export const PHASE = { OK: 0, WARNED: 1, EXPIRED: 2 } as const;
export type Phase = (typeof PHASE)[keyof typeof PHASE];

/** One bridge forwarding entry's view: a station (on one VLAN with `perVlan`). Number fields are initialized where declared (see Station). */
export class ArpGapEntry implements TimerOwner {
  timerSlot = -1;
  timerKey = Infinity;
  timerSeq = 0;
  timerDue = Infinity;
  /** Packet time of its last ARP on this VLAN. */
  lastArpS = 0;
  /**
   * What its deadlines and its age count from: its last ARP, or a later live restart (the clock's
   * `watchedFromS`), the latest time it may have ARPed unseen; so no alert rests on unwatched time.
   */
  sinceS = 0;
  /** Frames (ARP excluded) it sent on this VLAN since that ARP. */
  framesSinceArp = 0;
  /** `framesSinceArp` at `sinceS`: only frames beyond it were sent after every ARP it may have sent. */
  framesAtSince = 0;
  phase: Phase = PHASE.OK;
  warnings = 0;
  expiries = 0;
  /** Cause on its most recent alert, and that alert's time. */
  cause: ArpGapCause | null = null;
  causeS = -Infinity;
  /** Made at its first SYN: most stations never need one. */
  syn: SynRing | null = null;
  /** Largest age of its last ARP at which it sent a frame; -1 while it has not (what-if, issue 17). */
  maxTalkAgeS = -1;
  /** Ring of its recent ARP intervals with frames in them; made at the first. */
  talk: Float64Array | null = null;
  talkCount = 0;

  /** Its station; it changes only when an evicted station's entry is reused (see `reuse`). */
  station: GapStation;
  /** Its VLAN with `perVlan` (-1 untagged); -1 when it is per MAC. */
  vlan = -1;
  /** VLAN of the last frame it counted, for the alerts (-1 untagged). */
  lastVlan = -1;

  constructor(
    private readonly detector: ArpGapDetector,
    station: GapStation,
    vlan: number,
    arpS: number,
  ) {
    this.station = station;
    this.vlan = vlan;
    this.lastArpS = arpS;
    this.sinceS = arpS;
  }

  /**
   * An evicted station's entry (its timer already removed) for a new station; every field as the
   * constructor gives it. Under a flood of new MACs this runs once per frame, so the time is read
   * from the clock, not passed (a float argument is boxed).
   */
  reuse(station: GapStation, vlan: number, clock: PacketClock): this {
    const arpS = clock.now;
    this.timerSlot = -1;
    this.timerKey = Infinity;
    this.timerSeq = 0;
    this.timerDue = Infinity;
    this.lastArpS = arpS;
    this.sinceS = arpS;
    this.framesSinceArp = 0;
    this.framesAtSince = 0;
    this.phase = PHASE.OK;
    this.warnings = 0;
    this.expiries = 0;
    this.cause = null;
    this.causeS = -Infinity;
    // The SYN ring is kept, emptied: a new one per recycled entry was garbage under a flood.
    if (this.syn !== null) this.syn.count = 0;
    this.talk = null;
    this.talkCount = 0;
    this.maxTalkAgeS = -1;
    this.station = station;
    this.vlan = vlan;
    this.lastVlan = -1;
    return this;
  }

  onTimer(t: number): void {
    this.detector.warnTimer(this, t);
  }

  status(t: number, o: ArpGapOptions): ArpGapStatus {
    if (this.phase === PHASE.EXPIRED) return 'expired';
    if (t < this.sinceS + o.arpWarnS) return 'ok';
    if (this.framesSinceArp > this.framesAtSince && t <= this.sinceS + o.arpThresholdS) return 'warning';
    return 'silent';
  }
}
