// The station table: one row per ARP/RARP sender MAC (RFC 826, RFC 903), bounded, evicting the least recently active.

import { ARP_HRD_ETHERNET, ARP_HRD_IEEE802 } from '../decode/arp';
import type { DecodedFrame } from '../decode/decoded-frame';
import type { ArpGapEntry } from './arp-gap-entry';
import type { AlertSink } from './alerts';
import type { PacketClock } from './clock';
import { KeyIndex } from './key-index';
import { loaded, type StationState, stored } from './state';

/** Opcodes that announce the sender's own addresses: ARP request/reply (RFC 826), RARP request/reply (RFC 903). */
const ARP_OP_FIRST = 1;
const ARP_OP_LAST = 4;
/** A station's IPv4 list and VLAN list stop growing here: enough to see a multi-homed guest or a trunk. */
export const STATION_MAX_IPS = 8;
export const STATION_MAX_VLANS = 16;
/** Recent intervals between a station's ARPs kept for the dashboard's strip. */
export const ARP_INTERVAL_RING = 64;

/**
 * Whether the decoded frame counts as the ARP of the station `d.arpSha`. The same rule as the
 * corpus oracle (tshark's `arp.src.hw_mac`): ARP or RARP, hardware type Ethernet or IEEE 802,
 * a 6-byte sender address, opcode 1-4. Other opcodes (InARP, ARP-NAK) do not announce the
 * sender's own mapping.
 */
export function isArpSender(d: DecodedFrame): boolean {
  if (!d.isArp || d.arpHlen !== 6 || d.arpSha < 0) return false;
  if (d.arpHtype !== ARP_HRD_ETHERNET && d.arpHtype !== ARP_HRD_IEEE802) return false;
  return d.arpOp >= ARP_OP_FIRST && d.arpOp <= ARP_OP_LAST;
}

/**
 * The empty list every new station starts with. Lists grow by copy, exactly to size: they change
 * only when a station claims a new address or VLAN (rare). A pushed array would hold 17 slots for
 * the one address most stations claim, and under a flood of new MACs that is what each costs.
 */
const EMPTY: readonly never[] = Object.freeze([]);

/**
 * `list` with `x` appended, as a new exact-size array; the first element goes into `first`, a
 * one-element array its owner keeps for the object's life (see `Station.reuse`).
 */
function appended<T>(list: readonly T[], x: T, first: T[]): readonly T[] {
  if (list.length > 0) return [...list, x];
  first[0] = x;
  return first;
}

/**
 * One station. Every number field has an initializer: a field declared without one starts out
 * `undefined` (ES2022 class fields), V8 keeps it as a generic tagged slot, and each float stored
 * in it is a new heap number; initialized to a number, the slot holds floats in place.
 *
 * Two clocks appear here on purpose: `*Seen*` fields are packet-clock time
 * (monotonic, what the detectors use), while the ARP statistics use each frame's own timestamp
 * in file order, as the corpus oracle defines `max_arp_gap_s`, so they match it even in a file
 * whose timestamps go backwards.
 */
export class Station {
  /** Outer VLAN IDs its frames carried (untagged frames add nothing), in order first seen. */
  vlans: readonly number[] = EMPTY;
  /** IPv4 addresses it claimed as ARP sender (0.0.0.0 probes excluded), in order first claimed. */
  ips: readonly number[] = EMPTY;
  /** The IPv4 it claimed most recently, -1 when none. */
  lastIp = -1;
  arpSent = 0;
  /** Frames whose link-layer source is this MAC (ARP included), counted from its first ARP. */
  frames = 0;
  lastSeenS = 0;
  /** Own timestamps of its first and last ARP frames (file order). */
  firstArpTs = NaN;
  lastArpTs = NaN;
  /** Largest difference between the own timestamps of two consecutive ARP frames; meaningful when arpSent >= 2. */
  maxArpGapS = -Infinity;
  /** ARP-gap state: one bridge entry (one per VLAN with --per-vlan), owned by ArpGapDetector (`addArpGapEntry`). */
  arpGap: readonly ArpGapEntry[] = EMPTY;
  /** Second-chance bit: set by activity, cleared when the eviction hand passes. */
  referenced = false;
  /** The last VLAN recorded, so the common case (same VLAN again) is one comparison. */
  private lastVlan = -1;
  /** Ring of recent ARP intervals; made at the second ARP, so one-ARP stations cost nothing. */
  private intervals: Float32Array | null = null;
  private intervalCount = 0;
  /**
   * The one-element arrays that hold a list's first element, made once per object: a recycled
   * station (see `reuse`) claims its first address and VLAN entry without allocating, so a flood
   * of new MACs makes no garbage here.
   */
  private readonly firstVlan: number[] = [0];
  private readonly firstIp: number[] = [0];
  private firstEntry: ArpGapEntry[] | null = null;

  /** The MAC, 48 bits as a number. */
  mac = 0;
  /** Creation order, for a stable summary order; a recycled object gets a new one (see `reuse`). */
  seq = 0;
  /** Packet-clock time of its first ARP. */
  firstSeenS = 0;

  /** The sender of the ARP `d` (`d.arpSha`), first seen now (the clock's time). */
  constructor(d: DecodedFrame, seq: number, clock: PacketClock) {
    this.mac = d.arpSha;
    this.seq = seq;
    this.firstSeenS = clock.now;
    this.lastSeenS = clock.now;
  }

  /**
   * Rare: the table evicted this station and gives its object to a new MAC (see StationTable).
   * Every field goes back to what the constructor gives; `seq` tells the new station apart from
   * the old one to anyone who kept the object.
   */
  reuse(d: DecodedFrame, seq: number, clock: PacketClock): this {
    // As the constructor: MAC and time are read from their fields (under a flood of new MACs this
    // runs once per frame, and floats passed as arguments were boxed: 64 bytes of garbage a frame).
    const firstSeenS = clock.now;
    this.vlans = EMPTY;
    this.ips = EMPTY;
    this.lastIp = -1;
    this.arpSent = 0;
    this.frames = 0;
    this.lastSeenS = firstSeenS;
    this.firstArpTs = NaN;
    this.lastArpTs = NaN;
    this.maxArpGapS = -Infinity;
    this.arpGap = EMPTY;
    this.referenced = false;
    this.lastVlan = -1;
    // The interval ring is kept: its count says how much of it is filled, and a new one per recycled station was garbage under a flood.
    this.intervalCount = 0;
    this.mac = d.arpSha;
    this.seq = seq;
    this.firstSeenS = firstSeenS;
    return this;
  }

  /** Rare: the fields a state file kept (see `stationToState`), over a station just made for its MAC. */
  restoreState(s: StationState): void {
    this.seq = s.seq;
    this.vlans = s.vlans.slice(0, STATION_MAX_VLANS);
    this.ips = s.ips.slice(0, STATION_MAX_IPS);
    this.lastIp = s.lastIp;
    this.arpSent = s.arpSent;
    this.frames = s.frames;
    this.firstSeenS = s.firstSeenS;
    this.lastSeenS = s.lastSeenS;
    this.firstArpTs = loaded(s.firstArpTs, NaN);
    this.lastArpTs = loaded(s.lastArpTs, NaN);
    this.maxArpGapS = loaded(s.maxArpGapS, -Infinity);
    this.referenced = s.referenced;
    this.lastVlan = this.vlans.at(-1) ?? -1;
    const gaps = s.intervals.slice(-ARP_INTERVAL_RING);
    // A full-size ring, as the hot path makes it: the next intervals go past the restored ones.
    this.intervals = null;
    if (gaps.length > 0) {
      this.intervals = new Float32Array(ARP_INTERVAL_RING);
      this.intervals.set(gaps);
    }
    this.intervalCount = gaps.length;
  }

  /** The last (up to ARP_INTERVAL_RING) intervals between its ARPs, oldest first, seconds. */
  recentArpIntervals(): number[] {
    const ring = this.intervals;
    if (ring === null) return [];
    const n = Math.min(this.intervalCount, ARP_INTERVAL_RING);
    const out: number[] = [];
    for (let i = this.intervalCount - n; i < this.intervalCount; i++) out.push(ring[i % ARP_INTERVAL_RING]!);
    return out;
  }

  /** Hot path. */
  noteVlan(vlan: number): void {
    if (vlan < 0 || vlan === this.lastVlan) return;
    this.lastVlan = vlan;
    if (!this.vlans.includes(vlan) && this.vlans.length < STATION_MAX_VLANS) this.vlans = appended(this.vlans, vlan, this.firstVlan);
  }

  /** Rare: the station's first ARP (on another VLAN, with --per-vlan). */
  addArpGapEntry(e: ArpGapEntry): void {
    this.firstEntry ??= [e];
    this.arpGap = appended(this.arpGap, e, this.firstEntry);
  }

  /** Hot path: an ARP frame (its own timestamp is `d.ts`). */
  noteArp(d: DecodedFrame, clock: PacketClock): void {
    const frameTs = d.ts;
    this.arpSent++;
    if (this.arpSent === 1) {
      this.firstArpTs = frameTs;
    } else if (!(this.lastArpTs < clock.watchedFromS)) {
      // An interval across a live restart is not one: it may hold ARPs netgap did not see.
      const gap = frameTs - this.lastArpTs;
      if (gap > this.maxArpGapS) this.maxArpGapS = gap;
      this.intervals ??= new Float32Array(ARP_INTERVAL_RING);
      this.intervals[this.intervalCount % ARP_INTERVAL_RING] = gap;
      this.intervalCount++;
    }
    this.lastArpTs = frameTs;
    const ip = d.arpSpa;
    // The common case, the same address as last time, is one comparison (as noteVlan).
    if (ip > 0 && ip !== this.lastIp) {
      this.lastIp = ip;
      if (!this.ips.includes(ip) && this.ips.length < STATION_MAX_IPS) this.ips = appended(this.ips, ip, this.firstIp);
    }
  }
}

/** A station as a state file keeps it (detect/state.ts); its ARP-gap entries are the detector's to add. */
export function stationToState(st: Station): Omit<StationState, 'arpGap'> {
  return {
    mac: st.mac,
    seq: st.seq,
    vlans: [...st.vlans],
    ips: [...st.ips],
    lastIp: st.lastIp,
    arpSent: st.arpSent,
    frames: st.frames,
    firstSeenS: st.firstSeenS,
    lastSeenS: st.lastSeenS,
    firstArpTs: stored(st.firstArpTs),
    lastArpTs: stored(st.lastArpTs),
    maxArpGapS: stored(st.maxArpGapS),
    referenced: st.referenced,
    intervals: st.recentArpIntervals(),
  };
}

/**
 * MAC -> Station, capped at `maxStations`. Eviction is CLOCK (second chance) over insertion order:
 * activity only sets `referenced`, an O(1) store, instead of moving the station to keep LRU order
 * on every frame. When the table is full, the hand walks from the oldest insertion: a referenced
 * station loses its bit and moves to the back, the first unreferenced one is evicted. Each move is
 * paid for by an earlier touch, so an insertion is amortised O(1).
 * New stations start unreferenced: under a flood of random MACs the flood's own one-frame entries
 * go first and the stations that keep talking stay.
 *
 * Hot path: the lookups go through a KeyIndex, not a Map. A Map keyed by 48-bit MACs boxes the
 * key as a heap number on every lookup, and a lookup happens for nearly every frame. The index's use order
 * is the CLOCK's insertion order: the hand reads its oldest entry, and a second chance `touch`es
 * the entry to the back.
 *
 * Bounded memory: once the table is full, the evicted station's object becomes the new one
 * (`Station.reuse`, with a new `seq`), and the ARP-gap detector reuses its entry likewise. A flood
 * of new MACs then allocates nothing per frame (new objects would leave the old ones to a garbage
 * collector that lets the heap grow well past the live table). So whoever
 * is told of an eviction must read what it needs then, and whoever keeps a Station across frames
 * must check its `seq`.
 */
export class StationTable {
  /** Every station by MAC, for the summary and the dashboard to read (iterated in no particular order). */
  readonly byMac: ReadonlyMap<number, Station>;
  /** Stations evicted to stay under the cap. */
  evicted = 0;
  private seq = 0;
  private readonly index: KeyIndex;
  /** The station of each index id. */
  private readonly byId: (Station | undefined)[] = [];

  constructor(
    readonly maxStations: number,
    /** Its `now` is the time of the frame being handled. */
    private readonly clock: PacketClock,
    private readonly sink: AlertSink,
    /** Told before a station is dropped, so detectors can drop their state and timers; the object is reused right after. */
    private readonly onEvict: (s: Station) => void,
  ) {
    this.index = new KeyIndex(maxStations);
    this.byMac = new StationsByMac(this, this.byId);
  }

  get size(): number {
    return this.index.size;
  }

  /** The station with this MAC, if any. */
  get(mac: number): Station | undefined {
    this.index.key[0] = mac;
    return this.found();
  }

  /** Hot path: the station whose MAC is the frame's link-layer source (`d.hasLinkSrc`), if any. */
  linkSender(d: DecodedFrame): Station | undefined {
    this.index.key[0] = d.linkSrc;
    return this.found();
  }

  /** Hot path: the station sending this ARP frame (`isArpSender(d)`), created when new. */
  arp(d: DecodedFrame): Station {
    const index = this.index;
    index.key[0] = d.arpSha;
    let st = this.found();
    if (st === undefined) {
      const victim = index.size >= this.maxStations ? this.evictOne() : undefined;
      st = victim === undefined ? new Station(d, this.seq++, this.clock) : victim.reuse(d, this.seq++, this.clock);
      index.key[0] = d.arpSha;
      this.byId[index.add()] = st;
    } else {
      st.referenced = true;
      st.lastSeenS = this.clock.now;
    }
    st.noteVlan(d.vlan);
    st.noteArp(d, this.clock);
    return st;
  }

  /** Hot path: a frame whose link-layer source is this station (its creating ARP included). */
  frame(st: Station, d: DecodedFrame): void {
    st.frames++;
    st.lastSeenS = this.clock.now;
    // The frame that created the station earns no second chance (see the class comment).
    if (st.frames > 1) st.referenced = true;
    st.noteVlan(d.vlan);
  }

  /**
   * Rare, before any frame: a station read from a state file, added as the newest (rows come in
   * order of first ARP). Returns undefined for a MAC already present or a full table.
   */
  restore(s: StationState, scratch: DecodedFrame): Station | undefined {
    this.index.key[0] = s.mac;
    if (this.found() !== undefined || this.index.size >= this.maxStations) return undefined;
    scratch.arpSha = s.mac;
    const st = new Station(scratch, s.seq, this.clock);
    st.restoreState(s);
    this.index.key[0] = s.mac;
    this.byId[this.index.add()] = st;
    this.seq = Math.max(this.seq, s.seq + 1);
    return st;
  }

  /** The station of the MAC in the index's key register, if any. */
  private found(): Station | undefined {
    const id = this.index.find();
    return id < 0 ? undefined : this.byId[id];
  }

  /** Rare: the table is full. Returns the evicted station, whose object the caller reuses. */
  private evictOne(): Station | undefined {
    for (let id = this.index.oldest(); id >= 0; id = this.index.oldest()) {
      const victim = this.byId[id]!;
      if (victim.referenced) {
        victim.referenced = false;
        this.index.touch(id);
        continue;
      }
      this.index.remove(id);
      this.byId[id] = undefined;
      this.onEvict(victim);
      if (this.evicted++ === 0) {
        this.sink({ ts: this.clock.now, severity: 'warning', kind: 'table-full', table: 'stations', limit: this.maxStations });
      }
      return victim;
    }
    return undefined;
  }
}

/**
 * The table read as a map from MAC: a view over the index and its station array, so that no Map
 * has to be kept in step with every insertion and eviction (under a flood, one of each per frame).
 */
class StationsByMac implements ReadonlyMap<number, Station> {
  constructor(
    private readonly table: StationTable,
    /** Indexed by index id; a hole where a station was evicted and its id not yet reused. */
    private readonly byId: readonly (Station | undefined)[],
  ) {}

  get size(): number {
    return this.table.size;
  }

  get(mac: number): Station | undefined {
    return this.table.get(mac);
  }

  has(mac: number): boolean {
    return this.table.get(mac) !== undefined;
  }

  *values(): MapIterator<Station> {
    for (const st of this.byId) if (st !== undefined) yield st;
  }

  *keys(): MapIterator<number> {
    for (const st of this.values()) yield st.mac;
  }

  *entries(): MapIterator<[number, Station]> {
    for (const st of this.values()) yield [st.mac, st];
  }

  [Symbol.iterator](): MapIterator<[number, Station]> {
    return this.entries();
  }

  forEach(fn: (st: Station, mac: number, map: ReadonlyMap<number, Station>) => void): void {
    for (const st of this.values()) fn(st, st.mac, this);
  }
}
