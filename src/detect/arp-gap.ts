// ARP-gap detector: a station keeps talking while its last ARP ages past a bridge's 300 s hold (KB2832644).

import { formatIpv4, formatMac } from '../decode/address';
import type { DecodedFrame } from '../decode/decoded-frame';
import { L4, TCP_FLAG } from '../decode/decoded-frame';
import type { AlertSink, ArpGapCause, ArpGapExpiredAlert, ArpGapRecoveredAlert, ArpGapWarningAlert, OsGuess } from './alerts';
import type { PacketClock } from './clock';
import type { ArpGapEntryState } from './state';
import { loaded, stored } from './state';
import type { TimerOwner } from './timer-queue';

/*
 * What the bridge does (KB2832644): Hyper-V's bridge.sys, used when a vSwitch is bound to Wi-Fi,
 * keeps a forwarding entry per guest MAC built from the guest's ARP packets, for a fixed 300 s,
 * whatever VLAN those ARPs carried: so state here is per MAC (per MAC and VLAN with `perVlan`, for
 * switches that learn per VLAN). A guest that keeps sending but does not ARP within 300 s is
 * forgotten and its traffic is dropped. Windows XP keeps a referenced ARP entry 600 s
 * (ArpCacheMinReferencedLife), FreeBSD and macOS 1200 s (net.link.ether.inet.max_age), Vista and
 * later 15-45 s unless repeated TCP connection attempts keep extending the next hop's entry.
 *
 * Kinds, per entry ("a gap" = the time from one ARP to the next):
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
 * Cause, from evidence only (issue 17):
 * - 'long-arp-cache' when the usual interval between the entry's ARPs while it talks (the median
 *   of its last TALK_RING gaps with frames in them, the gap just ended included) sits at a cache
 *   lifetime an OS is known for: about 600 s (Windows XP/2003 ArpCacheMinReferencedLife) or about
 *   1200 s (FreeBSD and macOS net.link.ether.inet.max_age). The OS guessed is on the alert.
 * - 'tcp-syn-refresh' when, in the gap, the station opened >= 2 TCP connections (SYN without
 *   ACK) through one next hop, the frame's destination MAC: what keeps a Vista+ guest's ARP entry
 *   alive is the entry of that next hop, so SYNs to several servers behind one gateway count
 *   together (KB2832644). A retransmitted SYN (same peer and source port) is not a new attempt:
 *   a guest whose bridge entry expired retransmits, and that must not pass for the cause.
 * - 'unknown' otherwise; the alert still says what was seen (the usual interval, this gap).
 */

/** Recent connection attempts kept per entry to find the SYN pattern; no allocation per SYN. */
export const SYN_RING = 16;
/** Recent intervals between an entry's ARPs while it talks, for its usual cadence. */
export const TALK_RING = 8;

/**
 * Cache lifetimes known by OS, as windows over the measured cadence: a guest re-ARPs once its
 * entry is that old *and* it has something to send, so the cadence runs a talk interval longer.
 */
const KNOWN_LIFETIMES: readonly { os: OsGuess; fromS: number; toS: number }[] = [
  // Windows XP/2003: ArpCacheMinReferencedLife, 600 s (KB2832644).
  { os: 'windows-xp-2003', fromS: 570, toS: 720 },
  // FreeBSD and macOS: net.link.ether.inet.max_age, 1200 s.
  { os: 'freebsd-macos', fromS: 1140, toS: 1440 },
];

/**
 * The BaseReachableTime to advise for SYNs every `synIntervalS`: whole seconds, such that
 * 1.5 x B (the longest reachable time Windows draws, KB949589) stays below 90 % of the interval;
 * 0 when no B of at least 1000 ms fits (the only fix is then to stop the attempts).
 */
export function baseReachableTimeMs(synIntervalS: number): number {
  const b = Math.floor((synIntervalS * 3) / 5);
  return b >= 1 ? b * 1000 : 0;
}
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

export interface ArpGapView {
  status: ArpGapStatus;
  /** Seconds since its most recent ARP (on any VLAN) at the time asked. */
  arp_age_s: number;
  warnings: number;
  expiries: number;
  /** Cause on its most recent ARP-gap alert, null when none. */
  cause: ArpGapCause | null;
  /** Largest age of its last ARP at which it sent a frame (a hold time below it cuts it off), seconds; null when it never sent after an ARP. */
  max_talk_age_s: number | null;
}

const PHASE = { OK: 0, WARNED: 1, EXPIRED: 2 } as const;
type Phase = (typeof PHASE)[keyof typeof PHASE];

/** Rank for a station on several VLANs: the worst entry speaks, and talking beats silent. */
const STATUS_RANK: Readonly<Record<ArpGapStatus, number>> = { silent: 0, ok: 1, warning: 2, expired: 3 };

/** Where each ring lies in `SynRing.rings`: next hops, peers, source ports, destination ports, times. */
const SYN_HOP_AT = 0;
const SYN_PEER_AT = SYN_RING;
const SYN_PORT_AT = 2 * SYN_RING;
const SYN_DPORT_AT = 3 * SYN_RING;
const SYN_TIME_AT = 4 * SYN_RING;

/**
 * The last SYN_RING connection attempts of one entry, since its last ARP. One Float64Array for
 * the rings: each typed array costs about 200 bytes besides its data, and a station may have an
 * entry on each of ARP_GAP_MAX_VLANS VLANs. The next hop is the SYN frame's destination MAC: the
 * neighbour whose ARP entry the attempt uses.
 */
class SynRing {
  readonly rings = new Float64Array(5 * SYN_RING);
  /** Attempts recorded since the last ARP; the newest is at slot (count - 1) % SYN_RING. */
  count = 0;

  /**
   * Hot path (SYN frames only): the SYN `d` at the clock's time. Read from their fields, not
   * passed: floats passed to a call that is not inlined are boxed.
   */
  record(d: DecodedFrame, clock: PacketClock): void {
    const peer = d.ip4Dst;
    const srcPort = d.srcPort;
    const n = Math.min(this.count, SYN_RING);
    const r = this.rings;
    for (let i = 0; i < n; i++) if (r[SYN_PEER_AT + i] === peer && r[SYN_PORT_AT + i] === srcPort) return; // a retransmission
    const slot = this.count % SYN_RING;
    r[SYN_HOP_AT + slot] = d.linkDst;
    r[SYN_PEER_AT + slot] = peer;
    r[SYN_PORT_AT + slot] = srcPort;
    r[SYN_DPORT_AT + slot] = d.dstPort;
    r[SYN_TIME_AT + slot] = clock.now;
    this.count++;
  }
}

/** One bridge forwarding entry's view: a station (on one VLAN with `perVlan`). Number fields are initialized where declared (see Station). */
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
    this.framesSinceArp = 0;
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
    if (t < this.lastArpS + o.arpWarnS) return 'ok';
    if (this.framesSinceArp > 0 && t <= this.lastArpS + o.arpThresholdS) return 'warning';
    return 'silent';
  }
}

/** Scratch for medians: alerts are rare, but they need not allocate for it. */
const scratch = new Float64Array(Math.max(SYN_RING, TALK_RING));

/** Median of the first `m` values of `scratch` (m >= 1); sorts them in place. */
function medianOfScratch(m: number): number {
  // Insertion sort: at most SYN_RING values.
  for (let i = 1; i < m; i++) {
    const v = scratch[i]!;
    let j = i - 1;
    while (j >= 0 && scratch[j]! > v) {
      scratch[j + 1] = scratch[j]!;
      j--;
    }
    scratch[j + 1] = v;
  }
  return m % 2 === 1 ? scratch[m >> 1]! : (scratch[m / 2 - 1]! + scratch[m / 2]!) / 2;
}

/** The evidence behind the cause of the alert being built (see `findCause`). */
interface Evidence {
  /** Usual interval between the entry's ARPs while it talks, NaN when none measured; and how many. */
  talkIntervalS: number;
  talkIntervals: number;
  os: OsGuess | null;
  synHop: number;
  synPeer: number;
  synIntervalS: number;
  synAttempts: number;
  /** "ip:port" of the attempts through that hop, distinct, oldest first. */
  synPeers: string[];
}

export class ArpGapDetector {
  /** Entries of evicted stations, handed to new ones, so that a flood of new MACs allocates nothing here. */
  private readonly spare: ArpGapEntry[] = [];
  /** Entries beyond their station's first, now, and the most there may be. */
  private extraEntries = 0;
  readonly maxExtraEntries: number;
  /** ARPs on a further VLAN not tracked because the pool was used up. */
  refused = 0;
  /** Set by `findCause` for the alert being built. */
  private readonly ev: Evidence = { talkIntervalS: NaN, talkIntervals: 0, os: null, synHop: -1, synPeer: 0, synIntervalS: 0, synAttempts: 0, synPeers: [] };

  constructor(
    private readonly opts: ArpGapOptions,
    private readonly clock: PacketClock,
    private readonly sink: AlertSink,
  ) {
    this.maxExtraEntries = Math.max(ARP_GAP_MAX_VLANS, Math.floor(opts.maxStations * ARP_GAP_EXTRA_PER_STATION));
  }

  /** Hot path: the station ARPed on `vlan`, now (the packet clock's time). */
  onArp(st: GapStation, vlan: number): void {
    const t = this.clock.now;
    const key = this.opts.perVlan ? vlan : -1;
    let e = entryFor(st, key);
    if (e === undefined) {
      if (st.arpGap.length >= ARP_GAP_MAX_VLANS) return;
      if (st.arpGap.length > 0) {
        if (this.extraEntries >= this.maxExtraEntries) {
          this.refuse(t);
          return;
        }
        this.extraEntries++;
      }
      e = this.spare.pop()?.reuse(st, key, this.clock) ?? new ArpGapEntry(this, st, key, t);
      st.addArpGapEntry(e);
      e.lastVlan = vlan;
    } else {
      e.lastVlan = vlan;
      if (e.framesSinceArp > 0) {
        // A gap it talked in: part of its cadence, which the recovery below may already cite.
        const ring = (e.talk ??= new Float64Array(TALK_RING));
        ring[e.talkCount++ % TALK_RING] = t - e.lastArpS;
      }
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
  onFrame(st: GapStation, d: DecodedFrame): void {
    const e = entryFor(st, this.opts.perVlan ? d.vlan : -1);
    if (e === undefined) return; // never ARPed (on this VLAN, with perVlan): its age is unknown
    const t = this.clock.now;
    e.lastVlan = d.vlan;
    // The warning deadline is armed by the first frame since the ARP, not by the ARP, so that a
    // flood of MACs that each send one ARP arms no timer; a deadline already reached is this
    // frame's to act on, below.
    const warnAt = e.lastArpS + this.opts.arpWarnS;
    if (e.framesSinceArp++ === 0 && t < warnAt) this.clock.timers.arm(e, warnAt);
    // What-if: the oldest its ARP has been while it still sent.
    if (t - e.lastArpS > e.maxTalkAgeS) e.maxTalkAgeS = t - e.lastArpS;
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
  forget(st: GapStation): void {
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
  view(st: GapStation, t: number): ArpGapView {
    const v: ArpGapView = { status: 'silent', arp_age_s: Infinity, warnings: 0, expiries: 0, cause: null, max_talk_age_s: null };
    let causeS = -Infinity;
    for (const e of st.arpGap) {
      const s = e.status(t, this.opts);
      if (STATUS_RANK[s] > STATUS_RANK[v.status]) v.status = s;
      v.arp_age_s = Math.min(v.arp_age_s, t - e.lastArpS);
      if (e.maxTalkAgeS >= 0 && !(e.maxTalkAgeS <= (v.max_talk_age_s ?? -1))) v.max_talk_age_s = e.maxTalkAgeS;
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
  toState(st: GapStation): ArpGapEntryState[] {
    return st.arpGap.map((e) => {
      let syn: ArpGapEntryState['syn'] = null;
      const r = e.syn;
      if (r !== null) {
        syn = { hop: [], peer: [], port: [], dport: [], time: [], count: r.count };
        for (let k = Math.max(0, r.count - SYN_RING); k < r.count; k++) {
          const i = k % SYN_RING;
          syn.hop.push(r.rings[SYN_HOP_AT + i]!);
          syn.peer.push(r.rings[SYN_PEER_AT + i]!);
          syn.port.push(r.rings[SYN_PORT_AT + i]!);
          syn.dport.push(r.rings[SYN_DPORT_AT + i]!);
          syn.time.push(r.rings[SYN_TIME_AT + i]!);
        }
      }
      const talk: number[] = [];
      if (e.talk !== null) for (let k = Math.max(0, e.talkCount - TALK_RING); k < e.talkCount; k++) talk.push(e.talk[k % TALK_RING]!);
      return {
        vlan: e.vlan,
        lastArpS: e.lastArpS,
        framesSinceArp: e.framesSinceArp,
        phase: e.phase,
        warnings: e.warnings,
        expiries: e.expiries,
        cause: e.cause,
        causeS: stored(e.causeS),
        lastVlan: e.lastVlan,
        maxTalkAgeS: e.maxTalkAgeS,
        talk,
        talkCount: e.talkCount,
        syn,
      };
    });
  }

  /**
   * Rare, before any frame (the clock restored first): the station's entries from a state file,
   * with the warning deadline armed again where it was armed.
   */
  restore(st: GapStation, entries: readonly ArpGapEntryState[]): void {
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
      e.lastVlan = s.lastVlan;
      e.maxTalkAgeS = s.maxTalkAgeS;
      // Rings are placed so that slot (count - 1) % ring holds the newest, as the hot path left them.
      const talkN = Math.min(s.talk.length, TALK_RING, Math.max(0, s.talkCount));
      if (talkN > 0) {
        const ring = (e.talk = new Float64Array(TALK_RING));
        const count = talkN === Math.min(s.talkCount, TALK_RING) ? s.talkCount : talkN; // a short list: the count it can back
        for (let j = 0; j < talkN; j++) ring[(count - talkN + j) % TALK_RING] = s.talk[s.talk.length - talkN + j]!;
        e.talkCount = count;
      }
      if (s.syn !== null) {
        const r = (e.syn = new SynRing());
        const len = s.syn.peer.length;
        const n = Math.min(len, SYN_RING, Math.max(0, s.syn.count));
        const count = n === Math.min(s.syn.count, SYN_RING) ? s.syn.count : n;
        for (let j = 0; j < n; j++) {
          const i = (count - n + j) % SYN_RING;
          const from = len - n + j;
          r.rings[SYN_HOP_AT + i] = s.syn.hop[from]!;
          r.rings[SYN_PEER_AT + i] = s.syn.peer[from]!;
          r.rings[SYN_PORT_AT + i] = s.syn.port[from]!;
          r.rings[SYN_DPORT_AT + i] = s.syn.dport[from]!;
          r.rings[SYN_TIME_AT + i] = s.syn.time[from]!;
        }
        r.count = count;
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
    const vlan = this.opts.perVlan ? e.vlan : e.lastVlan;
    if (vlan >= 0) a.vlan = vlan;
    const ev = this.ev;
    if (ev.talkIntervals > 0) {
      a.arp_interval_s = ev.talkIntervalS;
      a.arp_intervals_seen = ev.talkIntervals;
    }
    if (a.cause === 'long-arp-cache' && ev.os !== null) a.os_guess = ev.os;
    if (a.cause === 'tcp-syn-refresh') {
      a.syn_peer = formatIpv4(ev.synPeer);
      a.syn_interval_s = ev.synIntervalS;
      if (ev.synHop >= 0) a.syn_next_hop = formatMac(ev.synHop);
      a.syn_peers = ev.synPeers;
      a.syn_attempts = ev.synAttempts;
      const b = baseReachableTimeMs(ev.synIntervalS);
      if (b > 0) a.base_reachable_time_ms = b;
    }
    const hole = this.clock.holeStartS;
    if (hole >= e.lastArpS && hole < a.ts) a.capture_hole_s = this.clock.holeS;
    const away = this.clock.unwatchedStartS;
    if (away >= e.lastArpS && away < a.ts) a.unwatched_s = this.clock.unwatchedS;
    return a;
  }

  /**
   * The cause the gap's evidence supports, remembered on the entry; the evidence is left in `ev`
   * for `decorate`. Rare: once per alert.
   */
  private findCause(e: ArpGapEntry, t: number): ArpGapCause {
    const ev = this.ev;
    e.causeS = t;
    ev.os = null;
    ev.talkIntervals = Math.min(e.talkCount, TALK_RING);
    ev.talkIntervalS = NaN;
    if (e.talk !== null && ev.talkIntervals > 0) {
      for (let i = 0; i < ev.talkIntervals; i++) scratch[i] = e.talk[i]!;
      ev.talkIntervalS = medianOfScratch(ev.talkIntervals);
      for (const l of KNOWN_LIFETIMES) if (ev.talkIntervalS >= l.fromS && ev.talkIntervalS < l.toS) ev.os = l.os;
    }
    e.cause = ev.os !== null ? 'long-arp-cache' : this.findSyn(e) ? 'tcp-syn-refresh' : 'unknown';
    return e.cause;
  }

  /** Did >= 2 connection attempts go through one next hop in the gap? Leaves their facts in `ev`. */
  private findSyn(e: ArpGapEntry): boolean {
    const ring = e.syn;
    if (ring === null || ring.count < 2) return false;
    const r = ring.rings;
    const n = Math.min(ring.count, SYN_RING);
    const oldest = ring.count - n;
    // The next hop with the most attempts, the newest on a tie. A capture without a link layer
    // has no next hop (-1): its attempts count as one hop.
    let best = -1;
    let bestCount = 1;
    for (let k = ring.count - 1; k >= oldest; k--) {
      const h = r[SYN_HOP_AT + (k % SYN_RING)]!;
      let c = 0;
      for (let i = 0; i < n; i++) if (r[SYN_HOP_AT + i] === h) c++;
      if (c > bestCount) {
        best = h;
        bestCount = c;
      }
    }
    if (bestCount < 2) return false;
    const ev = this.ev;
    ev.synHop = best;
    ev.synAttempts = bestCount;
    ev.synPeers = [];
    let m = 0;
    let prev = NaN;
    let peerCount = 0;
    for (let k = oldest; k < ring.count; k++) {
      const i = k % SYN_RING;
      if (r[SYN_HOP_AT + i] !== best) continue;
      const time = r[SYN_TIME_AT + i]!;
      if (!Number.isNaN(prev)) scratch[m++] = time - prev;
      prev = time;
      const peer = r[SYN_PEER_AT + i]!;
      const name = `${formatIpv4(peer)}:${r[SYN_DPORT_AT + i]!}`;
      if (!ev.synPeers.includes(name)) ev.synPeers.push(name);
      // The peer named alone: the one with the most attempts, the newest on a tie.
      let c = 0;
      for (let j = 0; j < n; j++) if (r[SYN_HOP_AT + j] === best && r[SYN_PEER_AT + j] === peer) c++;
      if (c >= peerCount) {
        peerCount = c;
        ev.synPeer = peer;
      }
    }
    ev.synIntervalS = medianOfScratch(m);
    return true;
  }
}

/** Hot path: a station's entry for one VLAN (-1: its per-MAC entry); stations are on one or two VLANs, so a scan wins over a Map. */
function entryFor(st: GapStation, vlan: number): ArpGapEntry | undefined {
  const list = st.arpGap;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (e.vlan === vlan) return e;
  }
  return undefined;
}
