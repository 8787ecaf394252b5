// ARP-gap detector: a station keeps talking while its last ARP ages past a bridge's 300 s hold (KB2832644).

import { formatIpv4, formatMac } from '../decode/address';
import type { DecodedFrame } from '../decode/decoded-frame';
import { L4, TCP_FLAG } from '../decode/decoded-frame';
import type { AlertSink, ArpGapCause, ArpGapExpiredAlert, ArpGapRecoveredAlert, ArpGapWarningAlert } from './alerts';
import type { PacketClock } from './clock';
import type { ArpGapEntryState } from './state';
import { loaded, stored } from './state';
import type { Station } from './stations';
import type { TimerOwner } from './timer-queue';

/*
 * What the bridge does (KB2832644): Hyper-V's bridge.sys, used when a vSwitch is bound to Wi-Fi,
 * keeps a forwarding entry per guest MAC built from the guest's ARP packets, for a fixed 300 s.
 * Like any learning bridge it keys that table per MAC and VLAN, so state here is per MAC and VLAN. A guest that keeps sending but does not ARP within 300 s is forgotten and its
 * traffic is dropped. Windows XP keeps a referenced ARP entry 600 s (ArpCacheMinReferencedLife);
 * Vista and later 15-45 s, unless repeated TCP SYNs to one peer keep extending the entry.
 *
 * Kinds, per station and VLAN ("a gap" = the time from one ARP to the next):
 * - arp-gap-warning: the station has sent frames since its last ARP, and that ARP is now
 *   `arpWarnS` old. Raised by a timer at last_arp + warn when frames were sent by then; otherwise
 *   at the first later frame while the age is still in [warn, threshold]. Once per gap.
 * - arp-gap-expired: the station sends a frame while its last ARP is older than the threshold.
 *   Once per gap. Frame-driven only: a station that falls silent raises no critical alert, since
 *   nothing of its traffic was at risk.
 * - arp-gap-recovered: its next ARP after a warning or an expiry.
 *
 * Boundaries. Warning when age >= warn: the warning is a deadline, and a deadline is reached at
 * its instant (the timer fires at exactly last_arp + warn). Expired when age > threshold,
 * strictly: a 300 s hold keeps the entry for 300 s, so at exactly 300 s it is at its last valid
 * instant; equality is an edge only synthetic captures hit, and a critical alert must not rest on
 * it. Both compare the packet time with a deadline computed once (last_arp + X), the same number
 * the timer is armed with, so a test's `1000 + 300` means exactly that.
 *
 * Time is the packet clock. A frame stamped before the clock is handled at the clock's time, so
 * a gap never shrinks or turns negative.
 *
 * Capture holes. When the whole capture has no frame for longer than the threshold and the first
 * frame after the hole is the station's own, past the threshold since its last ARP, the expiry is
 * raised anyway, with `capture_hole_s` on it. The capture cannot say whether an ARP was lost in
 * the hole or the network was silent, but in the setting this tool is for (one guest behind a
 * Wi-Fi vSwitch, often the only talker in its capture) a capture-wide silence is exactly what the
 * failure looks like; dropping the alert would hide the real case, and the field lets the reader
 * weigh a paused capture.
 *
 * Cause. 'tcp-syn-refresh' when, during the gap, the station opened >= 2 TCP connections (SYN
 * without ACK) to one IPv4 peer: KB2832644's Vista+ case. Retransmitted SYNs (same peer, same
 * source port) are one attempt, not a refresh pattern: a guest whose bridge entry expired
 * retransmits SYNs, and those must not pass for the cause. Otherwise 'long-arp-cache' (XP).
 */

/** Recent connection attempts kept per entry to find the SYN pattern; no allocation per SYN. */
export const SYN_RING = 8;
/** Spare entries kept for reuse: enough for the evictions between two new stations (one station's entries at most). */
const SPARE_ENTRIES = 64;
/** Per-station VLAN entries tracked; beyond, ARP on a further VLAN is not tracked (bounded per-frame scan). */
export const ARP_GAP_MAX_VLANS = 64;
/**
 * Entries beyond each station's first, over all stations, per station of the table's cap: a
 * station's first VLAN is always tracked, further ones share this pool. Without it a flood of
 * MACs that each ARP and connect on ARP_GAP_MAX_VLANS VLANs made every station cost 64 entries
 * instead of one.
 */
export const ARP_GAP_EXTRA_PER_STATION = 0.25;

export interface ArpGapOptions {
  /** The bridge's forwarding-entry lifetime, seconds (KB2832644: 300). */
  arpThresholdS: number;
  /** Warn when a talking station's last ARP is this old, seconds (< arpThresholdS). */
  arpWarnS: number;
  /** The station table's cap: sizes the pool of entries beyond each station's first (ARP_GAP_EXTRA_PER_STATION). */
  maxStations: number;
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

export interface ArpGapView {
  status: ArpGapStatus;
  /** Seconds since its most recent ARP (on any VLAN) at the time asked. */
  arp_age_s: number;
  warnings: number;
  expiries: number;
  /** Cause on its most recent ARP-gap alert, null when none. */
  cause: ArpGapCause | null;
}

const PHASE = { OK: 0, WARNED: 1, EXPIRED: 2 } as const;
type Phase = (typeof PHASE)[keyof typeof PHASE];

/** Rank for a station on several VLANs: the worst entry speaks, and talking beats silent. */
const STATUS_RANK: Readonly<Record<ArpGapStatus, number>> = { silent: 0, ok: 1, warning: 2, expired: 3 };

/** Where each ring lies in `SynRing.rings`: peers, source ports, times. */
const SYN_PEER_AT = 0;
const SYN_PORT_AT = SYN_RING;
const SYN_TIME_AT = 2 * SYN_RING;

/**
 * The last SYN_RING connection attempts of one entry, since its last ARP. One Float64Array for
 * the three rings: each typed array costs about 200 bytes besides its data, and a station may
 * have an entry on each of ARP_GAP_MAX_VLANS VLANs.
 */
class SynRing {
  readonly rings = new Float64Array(3 * SYN_RING);
  /** Attempts recorded since the last ARP; the newest is at slot (count - 1) % SYN_RING. */
  count = 0;

  /**
   * Hot path (SYN frames only): the SYN `d` (to `d.ip4Dst` from `d.srcPort`) at the clock's time.
   * Read from their fields, not passed: floats passed to a call that is not inlined are boxed.
   */
  record(d: DecodedFrame, clock: PacketClock): void {
    const peer = d.ip4Dst;
    const srcPort = d.srcPort;
    const n = Math.min(this.count, SYN_RING);
    const r = this.rings;
    for (let i = 0; i < n; i++) if (r[SYN_PEER_AT + i] === peer && r[SYN_PORT_AT + i] === srcPort) return; // a retransmission
    const slot = this.count % SYN_RING;
    r[SYN_PEER_AT + slot] = peer;
    r[SYN_PORT_AT + slot] = srcPort;
    r[SYN_TIME_AT + slot] = clock.now;
    this.count++;
  }
}

/** One bridge forwarding entry's view: a station on one VLAN (-1 untagged). Number fields are initialized where declared (see Station). */
export class ArpGapEntry implements TimerOwner {
  timerSlot = -1;
  timerKey = Infinity;
  timerSeq = 0;
  timerDue = Infinity;
  /** Packet time of its last ARP on this VLAN. */
  lastArpS = 0;
  /** Frames (ARP excluded) it sent on this VLAN since that ARP. */
  framesSinceArp = 0;
  phase: Phase = PHASE.OK;
  warnings = 0;
  expiries = 0;
  /** Cause on its most recent alert, and that alert's time. */
  cause: ArpGapCause | null = null;
  causeS = -Infinity;
  /** Made at its first SYN: most stations never need one. */
  syn: SynRing | null = null;

  /** Its station; it changes only when an evicted station's entry is reused (see `reuse`). */
  station: Station;
  vlan = -1;

  constructor(
    private readonly detector: ArpGapDetector,
    station: Station,
    vlan: number,
    arpS: number,
  ) {
    this.station = station;
    this.vlan = vlan;
    this.lastArpS = arpS;
  }

  /**
   * An evicted station's entry (its timer already removed) for a new station; every field as the
   * constructor gives it. Under a flood of new MACs this runs once per frame, so the time is read
   * from the clock, not passed (a float argument is boxed).
   */
  reuse(station: Station, vlan: number, clock: PacketClock): this {
    const arpS = clock.now;
    this.timerSlot = -1;
    this.timerKey = Infinity;
    this.timerSeq = 0;
    this.timerDue = Infinity;
    this.lastArpS = arpS;
    this.framesSinceArp = 0;
    this.phase = PHASE.OK;
    this.warnings = 0;
    this.expiries = 0;
    this.cause = null;
    this.causeS = -Infinity;
    // The SYN ring is kept, emptied: a new one per recycled entry was garbage under a flood.
    if (this.syn !== null) this.syn.count = 0;
    this.station = station;
    this.vlan = vlan;
    return this;
  }

  onTimer(t: number): void {
    this.detector.warnTimer(this, t);
  }

  status(t: number, o: ArpGapOptions): ArpGapStatus {
    if (this.phase === PHASE.EXPIRED) return 'expired';
    if (t < this.lastArpS + o.arpWarnS) return 'ok';
    if (this.framesSinceArp > 0 && t <= this.lastArpS + o.arpThresholdS) return 'warning';
    return 'silent';
  }
}

/** Scratch for the median SYN interval: alerts are rare, but they need not allocate for it. */
const intervals = new Float64Array(SYN_RING);

export class ArpGapDetector {
  /**
   * Entries of evicted stations, handed to new ones: under a flood of new MACs the table evicts
   * one station per new one, and reusing its entry allocates nothing (the bench's ARP flood
   * allocated a quarter of a kilobyte per frame here, all of it garbage that grew the heap).
   */
  private readonly spare: ArpGapEntry[] = [];
  /** Set by `findCause` for the alert being built. */
  private synPeer = 0;
  private synIntervalS = 0;
  /** Entries beyond their station's first, now, and the most there may be. */
  private extraEntries = 0;
  readonly maxExtraEntries: number;
  /** ARPs on a further VLAN not tracked because the pool was used up. */
  refused = 0;

  constructor(
    private readonly opts: ArpGapOptions,
    private readonly clock: PacketClock,
    private readonly sink: AlertSink,
  ) {
    this.maxExtraEntries = Math.max(ARP_GAP_MAX_VLANS, Math.floor(opts.maxStations * ARP_GAP_EXTRA_PER_STATION));
  }

  /** Hot path: the station ARPed on `vlan`, now (the packet clock's time). */
  onArp(st: Station, vlan: number): void {
    const t = this.clock.now;
    let e = entryFor(st, vlan);
    if (e === undefined) {
      if (st.arpGap.length >= ARP_GAP_MAX_VLANS) return;
      if (st.arpGap.length > 0) {
        if (this.extraEntries >= this.maxExtraEntries) {
          this.refuse(t);
          return;
        }
        this.extraEntries++;
      }
      e = this.spare.pop()?.reuse(st, vlan, this.clock) ?? new ArpGapEntry(this, st, vlan, t);
      st.addArpGapEntry(e);
    } else {
      if (e.phase !== PHASE.OK) this.recovered(e, t);
      e.lastArpS = t;
      e.framesSinceArp = 0;
      e.phase = PHASE.OK;
      if (e.syn !== null) e.syn.count = 0;
      // The deadline is armed again by the next frame (see onFrame).
      this.clock.timers.disarm(e);
    }
  }

  /** Hot path: the station sent a non-ARP frame (or an ARP naming another sender), now (the packet clock's time). */
  onFrame(st: Station, d: DecodedFrame): void {
    const e = entryFor(st, d.vlan);
    if (e === undefined) return; // never ARPed on this VLAN: its age is unknown
    const t = this.clock.now;
    // The warning deadline matters only once the station has sent since its ARP, so it is armed
    // by the first frame, not by the ARP: a flood of MACs that each send one ARP arms no timer
    // (the bench's ARP flood spent a sixth of its time sifting the timer heap). A deadline
    // already reached is this frame's to act on, below.
    const warnAt = e.lastArpS + this.opts.arpWarnS;
    if (e.framesSinceArp++ === 0 && t < warnAt) this.clock.timers.arm(e, warnAt);
    if (d.l4 === L4.TCP && (d.tcpFlags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === TCP_FLAG.SYN && d.ip4Dst >= 0) {
      (e.syn ??= new SynRing()).record(d, this.clock);
    }
    if (e.phase === PHASE.EXPIRED) return;
    if (t > e.lastArpS + this.opts.arpThresholdS) this.expired(e, t);
    else if (e.phase === PHASE.OK && t >= warnAt) this.warning(e, t);
  }

  /** The warning deadline of `e` was reached at `t` (from the packet clock). */
  warnTimer(e: ArpGapEntry, t: number): void {
    if (e.phase === PHASE.OK && e.framesSinceArp > 0) this.warning(e, t);
  }

  /** The station is being dropped (table eviction): drop its timers with it, and keep its entries for reuse. */
  forget(st: Station): void {
    if (st.arpGap.length > 1) this.extraEntries -= st.arpGap.length - 1;
    for (const e of st.arpGap) {
      this.clock.timers.remove(e);
      if (this.spare.length < SPARE_ENTRIES) this.spare.push(e);
    }
  }

  /** Rare: an ARP on a further VLAN finds the pool used up (counted; the first one raises table-full). */
  private refuse(t: number): void {
    if (this.refused++ === 0) this.sink({ ts: t, severity: 'warning', kind: 'table-full', table: 'station-vlans', limit: this.maxExtraEntries });
  }

  /** The station's gap state at packet time `t`. */
  view(st: Station, t: number): ArpGapView {
    const v: ArpGapView = { status: 'silent', arp_age_s: Infinity, warnings: 0, expiries: 0, cause: null };
    let causeS = -Infinity;
    for (const e of st.arpGap) {
      const s = e.status(t, this.opts);
      if (STATUS_RANK[s] > STATUS_RANK[v.status]) v.status = s;
      v.arp_age_s = Math.min(v.arp_age_s, t - e.lastArpS);
      v.warnings += e.warnings;
      v.expiries += e.expiries;
      if (e.causeS > causeS) {
        causeS = e.causeS;
        v.cause = e.cause;
      }
    }
    return v;
  }

  /** The station's entries as a state file keeps them (detect/state.ts). */
  toState(st: Station): ArpGapEntryState[] {
    return st.arpGap.map((e) => {
      let syn: ArpGapEntryState['syn'] = null;
      const r = e.syn;
      if (r !== null) {
        syn = { peer: [], port: [], time: [], count: r.count };
        for (let k = Math.max(0, r.count - SYN_RING); k < r.count; k++) {
          const i = k % SYN_RING;
          syn.peer.push(r.rings[SYN_PEER_AT + i]!);
          syn.port.push(r.rings[SYN_PORT_AT + i]!);
          syn.time.push(r.rings[SYN_TIME_AT + i]!);
        }
      }
      return {
        vlan: e.vlan,
        lastArpS: e.lastArpS,
        framesSinceArp: e.framesSinceArp,
        phase: e.phase,
        warnings: e.warnings,
        expiries: e.expiries,
        cause: e.cause,
        causeS: stored(e.causeS),
        syn,
      };
    });
  }

  /**
   * Rare, before any frame (the clock restored first): the station's entries from a state file,
   * with the warning deadline armed again where it was armed.
   */
  restore(st: Station, entries: readonly ArpGapEntryState[]): void {
    for (const s of entries.slice(0, ARP_GAP_MAX_VLANS)) {
      // Entries beyond a station's first come from the shared pool, as `onArp` takes them.
      if (st.arpGap.length > 0) {
        if (this.extraEntries >= this.maxExtraEntries) break;
        this.extraEntries++;
      }
      const e = new ArpGapEntry(this, st, s.vlan, s.lastArpS);
      e.framesSinceArp = s.framesSinceArp;
      e.phase = s.phase as Phase;
      e.warnings = s.warnings;
      e.expiries = s.expiries;
      e.cause = s.cause as ArpGapCause | null;
      e.causeS = loaded(s.causeS, -Infinity);
      if (s.syn !== null) {
        const r = (e.syn = new SynRing());
        const n = Math.min(s.syn.peer.length, SYN_RING);
        const first = s.syn.count - n;
        for (let j = 0; j < n; j++) {
          const i = (first + j) % SYN_RING;
          r.rings[SYN_PEER_AT + i] = s.syn.peer[s.syn.peer.length - n + j]!;
          r.rings[SYN_PORT_AT + i] = s.syn.port[s.syn.port.length - n + j]!;
          r.rings[SYN_TIME_AT + i] = s.syn.time[s.syn.time.length - n + j]!;
        }
        r.count = s.syn.count;
      }
      st.addArpGapEntry(e);
      const warnAt = e.lastArpS + this.opts.arpWarnS;
      if (e.phase === PHASE.OK && e.framesSinceArp > 0 && this.clock.now < warnAt) this.clock.timers.arm(e, warnAt);
    }
  }

  private warning(e: ArpGapEntry, t: number): void {
    e.phase = PHASE.WARNED;
    e.warnings++;
    const cause = this.findCause(e, t);
    const a: ArpGapWarningAlert = { ts: t, severity: 'warning', kind: 'arp-gap-warning', mac: formatMac(e.station.mac), ...this.gapFields(e, t, cause) };
    this.sink(this.decorate(a, e));
  }

  private expired(e: ArpGapEntry, t: number): void {
    e.phase = PHASE.EXPIRED;
    e.expiries++;
    const cause = this.findCause(e, t);
    const a: ArpGapExpiredAlert = { ts: t, severity: 'critical', kind: 'arp-gap-expired', mac: formatMac(e.station.mac), ...this.gapFields(e, t, cause) };
    this.sink(this.decorate(a, e));
  }

  private recovered(e: ArpGapEntry, t: number): void {
    const cause = this.findCause(e, t);
    const a: ArpGapRecoveredAlert = {
      ts: t,
      severity: 'info',
      kind: 'arp-gap-recovered',
      mac: formatMac(e.station.mac),
      ...this.gapFields(e, t, cause),
      past_threshold_s: Math.max(0, t - (e.lastArpS + this.opts.arpThresholdS)),
      expired: e.phase === PHASE.EXPIRED,
    };
    this.sink(this.decorate(a, e));
  }

  private gapFields(e: ArpGapEntry, t: number, cause: ArpGapCause) {
    return {
      gap_s: t - e.lastArpS,
      last_arp_ts: e.lastArpS,
      threshold_s: this.opts.arpThresholdS,
      frames_since_arp: e.framesSinceArp,
      cause,
    };
  }

  /** The optional fields, present only when they say something. */
  private decorate<A extends ArpGapWarningAlert | ArpGapExpiredAlert | ArpGapRecoveredAlert>(a: A, e: ArpGapEntry): A {
    if (e.station.lastIp >= 0) a.ip = formatIpv4(e.station.lastIp);
    if (e.vlan >= 0) a.vlan = e.vlan;
    if (a.cause === 'tcp-syn-refresh') {
      a.syn_peer = formatIpv4(this.synPeer);
      a.syn_interval_s = this.synIntervalS;
    }
    const hole = this.clock.holeStartS;
    if (hole >= e.lastArpS && hole < a.ts) a.capture_hole_s = this.clock.holeS;
    const away = this.clock.unwatchedStartS;
    if (away >= e.lastArpS && away < a.ts) a.unwatched_s = this.clock.unwatchedS;
    return a;
  }

  /**
   * The cause the gap's traffic supports, remembered on the entry. For 'tcp-syn-refresh' it
   * leaves the peer with the most attempts (the newest on a tie) in `synPeer` and the median
   * interval between its attempts in `synIntervalS`.
   */
  private findCause(e: ArpGapEntry, t: number): ArpGapCause {
    e.causeS = t;
    e.cause = 'long-arp-cache';
    const r = e.syn;
    if (r === null || r.count < 2) return e.cause;
    const n = Math.min(r.count, SYN_RING);
    const oldest = r.count - n;
    let best = -1;
    let bestCount = 1;
    for (let k = r.count - 1; k >= oldest; k--) {
      const p = r.rings[SYN_PEER_AT + (k % SYN_RING)]!;
      let c = 0;
      for (let i = 0; i < n; i++) if (r.rings[SYN_PEER_AT + i] === p) c++;
      if (c > bestCount) {
        best = p;
        bestCount = c;
      }
    }
    if (best < 0) return e.cause;
    let m = 0;
    let prev = NaN;
    for (let k = oldest; k < r.count; k++) {
      const i = k % SYN_RING;
      if (r.rings[SYN_PEER_AT + i] !== best) continue;
      if (!Number.isNaN(prev)) intervals[m++] = r.rings[SYN_TIME_AT + i]! - prev;
      prev = r.rings[SYN_TIME_AT + i]!;
    }
    // Insertion sort: at most SYN_RING - 1 values.
    for (let i = 1; i < m; i++) {
      const v = intervals[i]!;
      let j = i - 1;
      while (j >= 0 && intervals[j]! > v) {
        intervals[j + 1] = intervals[j]!;
        j--;
      }
      intervals[j + 1] = v;
    }
    this.synPeer = best;
    this.synIntervalS = m % 2 === 1 ? intervals[m >> 1]! : (intervals[m / 2 - 1]! + intervals[m / 2]!) / 2;
    e.cause = 'tcp-syn-refresh';
    return e.cause;
  }
}

/** Hot path: a station's entry for one VLAN; stations are on one or two VLANs, so a scan wins over a Map. */
function entryFor(st: Station, vlan: number): ArpGapEntry | undefined {
  const list = st.arpGap;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (e.vlan === vlan) return e;
  }
  return undefined;
}
