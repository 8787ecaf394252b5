// ARP-gap cause: the diagnosis from evidence (ARP cadence, OS cache lifetime, SYNs by next hop) for the gap alerts (KB2832644, KB949589).

import { formatIpv4 } from '../decode/address';
import type { DecodedFrame } from '../decode/decoded-frame';
import type { ArpGapCause, OsGuess } from './alerts';
import type { ArpGapEntry } from './arp-gap-entry';
import type { PacketClock } from './clock';

/*
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

/** Where each ring lies in `SynRing.rings`: next hops, peers, source ports, destination ports, times. */
export const SYN_HOP_AT = 0;
export const SYN_PEER_AT = SYN_RING;
export const SYN_PORT_AT = 2 * SYN_RING;
export const SYN_DPORT_AT = 3 * SYN_RING;
export const SYN_TIME_AT = 4 * SYN_RING;

/**
 * The last SYN_RING connection attempts of one entry, since its last ARP. One Float64Array for
 * the rings: each typed array costs about 200 bytes besides its data, and a station may have an
 * entry on each of ARP_GAP_MAX_VLANS VLANs. The next hop is the SYN frame's destination MAC: the
 * neighbour whose ARP entry the attempt uses.
 */
export class SynRing {
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
export interface Evidence {
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

/**
 * The cause the gap's evidence supports, remembered on the entry; the evidence is left in `ev`
 * for the detector's `decorate`. Rare: once per alert.
 */
export function findCause(e: ArpGapEntry, t: number, ev: Evidence): ArpGapCause {
  e.causeS = t;
  ev.os = null;
  ev.talkIntervals = Math.min(e.talkCount, TALK_RING);
  ev.talkIntervalS = NaN;
  if (e.talk !== null && ev.talkIntervals > 0) {
    for (let i = 0; i < ev.talkIntervals; i++) scratch[i] = e.talk[i]!;
    ev.talkIntervalS = medianOfScratch(ev.talkIntervals);
    for (const l of KNOWN_LIFETIMES) if (ev.talkIntervalS >= l.fromS && ev.talkIntervalS < l.toS) ev.os = l.os;
  }
  e.cause = ev.os !== null ? 'long-arp-cache' : findSyn(e, ev) ? 'tcp-syn-refresh' : 'unknown';
  return e.cause;
}

/** Did >= 2 connection attempts go through one next hop in the gap? Leaves their facts in `ev`. */
function findSyn(e: ArpGapEntry, ev: Evidence): boolean {
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
