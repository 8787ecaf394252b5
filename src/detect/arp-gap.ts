// ARP-gap detector: a station keeps talking while its last ARP ages past a bridge's 300 s hold (KB2832644).

import { formatIpv4, formatMac } from '../decode/address';
import type { DecodedFrame } from '../decode/decoded-frame';
import { L4, TCP_FLAG } from '../decode/decoded-frame';
import type { AlertSink, ArpGapCause, ArpGapExpiredAlert, ArpGapRecoveredAlert, ArpGapWarningAlert } from './alerts';
import type { Evidence } from './arp-gap-cause';
import { baseReachableTimeMs, findCause, SynRing, TALK_RING } from './arp-gap-cause';
import type { ArpGapOptions, ArpGapStatus, GapStation } from './arp-gap-entry';
import { ArpGapEntry, PHASE } from './arp-gap-entry';
import { entryFromState, entryToState } from './arp-gap-state';
import type { PacketClock } from './clock';
import type { ArpGapEntryState } from './state';

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
 * Restarts. After a live restart from a state file (`--state`), a station whose last ARP came
 * before the restart may have ARPed while netgap was not running: its true last ARP lies anywhere
 * from the one seen to the restart. Its deadlines then count from the restart (`sinceS`), and
 * only frames sent after it count as talking, so no warning or expiry rests on unwatched time;
 * when one is raised it gives the last ARP seen (`gap_s`, `last_arp_ts`) and `unwatched_s`. A
 * warning or expiry raised before the stop stands (no second one), and an ARP after the restart
 * recovers it with the gap since the ARP seen. Its age for the summary, the dashboard and the
 * metrics counts from `sinceS` too. A file read in parts has no restart: nothing moves.
 *
 * Cause, from evidence only (issue 17): see arp-gap-cause.ts.
 */

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

export interface ArpGapView {
  status: ArpGapStatus;
  /** Seconds since its most recent ARP (on any VLAN) at the time asked; after a live restart, at most since the restart (what netgap watched). */
  arp_age_s: number;
  warnings: number;
  expiries: number;
  /** Cause on its most recent ARP-gap alert, null when none. */
  cause: ArpGapCause | null;
  /** Largest age of its last ARP at which it sent a frame (a hold time below it cuts it off), seconds; null when it never sent after an ARP. */
  max_talk_age_s: number | null;
}

/** Rank for a station on several VLANs: the worst entry speaks, and talking beats silent. */
const STATUS_RANK: Readonly<Record<ArpGapStatus, number>> = { silent: 0, ok: 1, warning: 2, expired: 3 };

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
      // A gap it talked in is part of its cadence, which the recovery below may already cite;
      // not one that spans a restart, which may hold ARPs netgap did not see.
      if (e.framesSinceArp > 0 && e.sinceS === e.lastArpS) {
        const ring = (e.talk ??= new Float64Array(TALK_RING));
        ring[e.talkCount++ % TALK_RING] = t - e.lastArpS;
      }
      if (e.phase !== PHASE.OK) this.recovered(e, t);
      e.lastArpS = t;
      e.sinceS = t;
      e.framesSinceArp = 0;
      e.framesAtSince = 0;
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
    // The warning deadline is armed by the first frame since the ARP (or the restart), not by the
    // ARP, so that a flood of MACs that each send one ARP arms no timer; a deadline already
    // reached is this frame's to act on, below.
    const warnAt = e.sinceS + this.opts.arpWarnS;
    if (e.framesSinceArp++ === e.framesAtSince && t < warnAt) this.clock.timers.arm(e, warnAt);
    // What-if: the oldest its ARP has been while it still sent.
    if (t - e.sinceS > e.maxTalkAgeS) e.maxTalkAgeS = t - e.sinceS;
    if (d.l4 === L4.TCP && (d.tcpFlags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === TCP_FLAG.SYN && d.ip4Dst >= 0) {
      (e.syn ??= new SynRing()).record(d, this.clock);
    }
    if (e.phase === PHASE.EXPIRED) return;
    if (t > e.sinceS + this.opts.arpThresholdS) this.expired(e, t);
    else if (e.phase === PHASE.OK && t >= warnAt) this.warning(e, t);
  }

  /** The warning deadline of `e` was reached at `t` (from the packet clock). */
  warnTimer(e: ArpGapEntry, t: number): void {
    if (e.phase === PHASE.OK && e.framesSinceArp > e.framesAtSince) this.warning(e, t);
  }

  /**
   * Rare: netgap was not running until the clock's `watchedFromS` (a live restart): the station
   * may have ARPed then, so its deadlines count from there, and its frames from before do not
   * count as talking since its last ARP. Its phase stays: what was raised was watched.
   */
  restarted(st: GapStation): void {
    const from = this.clock.watchedFromS;
    for (const e of st.arpGap) {
      if (!(e.sinceS < from)) continue;
      e.sinceS = from;
      e.framesAtSince = e.framesSinceArp;
      // Armed again by its next frame (onFrame).
      this.clock.timers.disarm(e);
    }
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
      v.arp_age_s = Math.min(v.arp_age_s, t - e.sinceS);
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
    return st.arpGap.map((e) => entryToState(e));
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
      const e = entryFromState(this, st, s);
      st.addArpGapEntry(e);
      const warnAt = e.sinceS + this.opts.arpWarnS;
      if (e.phase === PHASE.OK && e.framesSinceArp > e.framesAtSince && this.clock.now < warnAt) this.clock.timers.arm(e, warnAt);
    }
  }

  private warning(e: ArpGapEntry, t: number): void {
    e.phase = PHASE.WARNED;
    e.warnings++;
    const cause = findCause(e, t, this.ev);
    const a: ArpGapWarningAlert = { ts: t, severity: 'warning', kind: 'arp-gap-warning', mac: formatMac(e.station.mac), ...this.gapFields(e, t, cause) };
    this.sink(this.decorate(a, e));
  }

  private expired(e: ArpGapEntry, t: number): void {
    e.phase = PHASE.EXPIRED;
    e.expiries++;
    const cause = findCause(e, t, this.ev);
    const a: ArpGapExpiredAlert = { ts: t, severity: 'critical', kind: 'arp-gap-expired', mac: formatMac(e.station.mac), ...this.gapFields(e, t, cause) };
    this.sink(this.decorate(a, e));
  }

  private recovered(e: ArpGapEntry, t: number): void {
    const cause = findCause(e, t, this.ev);
    const a: ArpGapRecoveredAlert = {
      ts: t,
      severity: 'info',
      kind: 'arp-gap-recovered',
      mac: formatMac(e.station.mac),
      ...this.gapFields(e, t, cause),
      // Of the gap seen, as gap_s (unwatched_s says how much of it netgap did not watch).
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
    const away = this.clock.unwatchedWithin(e.lastArpS, a.ts);
    if (away > 0) a.unwatched_s = away;
    return a;
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
