// arpwatch's station events from ARP senders (RFC 826): new station, changed MAC, flip-flop, Ethernet/ARP sender mismatch.

import { formatIpv4, formatMac } from '../decode/address';
import type { DecodedFrame } from '../decode/decoded-frame';
import type { AlertSink, StationEventKind } from './alerts';
import type { PacketClock } from './clock';
import { KeyIndex } from './key-index';
import type { StationEventsState } from './state';
import { loaded, stored } from './state';

/*
 * arpwatch(8) keeps the MAC each IPv4 address was last claimed by and reports "new station",
 * "changed ethernet address", "flip flop" (back to the MAC before) and "ethernet mismatch" (the
 * frame's source is not the ARP sender). Here the claims are the sender fields of ARP frames
 * (probes, sender 0.0.0.0, claim nothing). A capture that starts mid-way makes every station
 * new, so new-station is raised only for addresses first claimed `newStationsAfterS` after the
 * input began (Infinity: never). Each address and kind raises at most one alert per
 * EVENT_QUIET_S, the next one counting what was left out, so a flip-flopping pair cannot hide
 * another address's change.
 */

/** Seconds an address (or a MAC, for mac-mismatch) stays quiet for one kind after an alert of that kind. */
export const EVENT_QUIET_S = 300;

export interface StationEventOptions {
  /** Raise new-station for addresses first claimed this many seconds after the input began; Infinity: never. */
  newStationsAfterS: number;
  /** Cap of the address table (shared with the host table's cap). */
  maxHosts: number;
}

const KIND = { NEW: 0, CHANGED: 1, FLIP: 2 } as const;
const KIND_NAMES: readonly StationEventKind[] = ['new-station', 'changed-mac', 'flip-flop'];

/** One IPv4 address and the MACs that claimed it. Pooled by table id. */
class AddressEntry {
  ip = 0;
  mac = 0;
  /** The MAC before `mac`, -1 when none. */
  prevMac = -1;
  /** Time of the last alert per kind, and the events of that kind left out since. */
  readonly lastAlertS = new Float64Array(3);
  readonly suppressed = new Float64Array(3);
}

/** A MAC's mac-mismatch rate limit. */
interface MismatchState {
  lastS: number;
  suppressed: number;
}

export class StationEventDetector {
  /** Addresses (and mac-mismatch limits) evicted to stay under the cap. */
  evicted = 0;
  /** Packet time the input began at (set by the engine at its first frame). */
  startS = NaN;
  private readonly index: KeyIndex;
  private readonly pool: AddressEntry[] = [];
  /** mac-mismatch limits per ARP sender MAC, in a table of the same cap. */
  private readonly mismatchIndex: KeyIndex;
  private readonly mismatch: MismatchState[] = [];

  constructor(
    private readonly opts: StationEventOptions,
    private readonly clock: PacketClock,
    private readonly sink: AlertSink,
  ) {
    this.index = new KeyIndex(opts.maxHosts);
    this.mismatchIndex = new KeyIndex(opts.maxHosts);
  }

  /** Hot path (ARP sender frames only, `isArpSender(d)`): the claim of `d.arpSpa` by `d.arpSha`. */
  onArp(d: DecodedFrame): void {
    if (d.hasLinkSrc && d.linkSrc !== d.arpSha) this.onMismatch(d);
    if (d.arpSpa <= 0) return; // a probe (0.0.0.0) or an ARP whose IPv4 fields are unknown claims nothing
    const index = this.index;
    index.key[0] = d.arpSpa;
    const id = index.find();
    if (id < 0) {
      this.onNew(d);
      return;
    }
    index.touch(id);
    const e = this.pool[id]!;
    if (e.mac === d.arpSha) return;
    // Rare from here: the address is claimed by another MAC.
    const kind = e.prevMac === d.arpSha ? KIND.FLIP : KIND.CHANGED;
    const old = e.mac;
    e.prevMac = old;
    e.mac = d.arpSha;
    this.raise(e, kind, d, old);
  }

  /** Rare: an address claimed for the first time. */
  private onNew(d: DecodedFrame): void {
    const index = this.index;
    const t = this.clock.now;
    if (index.size >= index.capacity) this.evictOldest(index, t);
    index.key[0] = d.arpSpa;
    const id = index.add();
    const e = (this.pool[id] ??= new AddressEntry());
    e.ip = d.arpSpa;
    e.mac = d.arpSha;
    e.prevMac = -1;
    e.lastAlertS.fill(-Infinity);
    e.suppressed.fill(0);
    if (t - this.startS >= this.opts.newStationsAfterS) this.raise(e, KIND.NEW, d, -1);
  }

  /** Rare: an alert of `kind` for the address, unless one was raised less than EVENT_QUIET_S ago. */
  private raise(e: AddressEntry, kind: number, d: DecodedFrame, oldMac: number): void {
    const t = this.clock.now;
    if (t - e.lastAlertS[kind]! < EVENT_QUIET_S) {
      e.suppressed[kind]!++;
      return;
    }
    const suppressed = e.suppressed[kind]!;
    e.lastAlertS[kind] = t;
    e.suppressed[kind] = 0;
    const base = { ts: t, mac: formatMac(e.mac), ip: formatIpv4(e.ip), ...(d.vlan >= 0 ? { vlan: d.vlan } : {}), suppressed };
    const name = KIND_NAMES[kind]!;
    if (name === 'new-station') this.sink({ ...base, severity: 'info', kind: name });
    else this.sink({ ...base, severity: 'warning', kind: name, old_mac: formatMac(oldMac) });
  }

  /** Rare: a table is full; drop its least recently used entry (the first eviction raises table-full). */
  private evictOldest(index: KeyIndex, t: number): void {
    index.remove(index.oldest());
    if (this.evicted++ === 0) this.sink({ ts: t, severity: 'warning', kind: 'table-full', table: 'addresses', limit: this.opts.maxHosts });
  }

  /** The address table and mac-mismatch limits as a state file keeps them (detect/state.ts), least recently used first. */
  toState(): StationEventsState {
    const out: StationEventsState = { startS: stored(this.startS), addresses: [], mismatch: [] };
    for (let id = this.index.oldest(); id >= 0; id = this.index.newer(id)) {
      const e = this.pool[id]!;
      out.addresses.push({ ip: e.ip, mac: e.mac, prevMac: e.prevMac, lastAlertS: Array.from(e.lastAlertS, stored), suppressed: Array.from(e.suppressed) });
    }
    for (let id = this.mismatchIndex.oldest(); id >= 0; id = this.mismatchIndex.newer(id)) {
      const m = this.mismatch[id]!;
      out.mismatch.push({ mac: this.mismatchIndex.keyOf(id), lastS: stored(m.lastS), suppressed: m.suppressed });
    }
    return out;
  }

  /** Rare, before any frame: the tables from a state file (a smaller cap keeps the most recently used). */
  restore(s: StationEventsState): void {
    this.startS = loaded(s.startS, NaN);
    for (const a of s.addresses.slice(-this.index.capacity)) {
      if (this.index.lookup(a.ip) >= 0) continue;
      const id = this.index.insert(a.ip);
      const e = (this.pool[id] ??= new AddressEntry());
      e.ip = a.ip;
      e.mac = a.mac;
      e.prevMac = a.prevMac;
      for (let k = 0; k < 3; k++) {
        e.lastAlertS[k] = loaded(a.lastAlertS[k], -Infinity);
        e.suppressed[k] = a.suppressed[k] ?? 0;
      }
    }
    for (const m of s.mismatch.slice(-this.mismatchIndex.capacity)) {
      if (this.mismatchIndex.lookup(m.mac) >= 0) continue;
      const id = this.mismatchIndex.insert(m.mac);
      const r = (this.mismatch[id] ??= { lastS: -Infinity, suppressed: 0 });
      r.lastS = loaded(m.lastS, -Infinity);
      r.suppressed = m.suppressed;
    }
  }

  /** Rare: the frame's link-layer source is not the ARP sender. */
  private onMismatch(d: DecodedFrame): void {
    const t = this.clock.now;
    const index = this.mismatchIndex;
    index.key[0] = d.arpSha;
    let id = index.find();
    if (id < 0) {
      if (index.size >= index.capacity) this.evictOldest(index, t);
      index.key[0] = d.arpSha;
      id = index.add();
      const s = (this.mismatch[id] ??= { lastS: -Infinity, suppressed: 0 });
      s.lastS = -Infinity;
      s.suppressed = 0;
    } else index.touch(id);
    const s = this.mismatch[id]!;
    if (t - s.lastS < EVENT_QUIET_S) {
      s.suppressed++;
      return;
    }
    const suppressed = s.suppressed;
    s.lastS = t;
    s.suppressed = 0;
    this.sink({
      ts: t,
      severity: 'info',
      kind: 'mac-mismatch',
      mac: formatMac(d.arpSha),
      ...(d.arpSpa > 0 ? { ip: formatIpv4(d.arpSpa) } : {}),
      ...(d.vlan >= 0 ? { vlan: d.vlan } : {}),
      eth_src: formatMac(d.linkSrc),
      suppressed,
    });
  }
}
