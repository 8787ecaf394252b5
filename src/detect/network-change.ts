// Network-change markers: gratuitous ARP and ARP probes (RFC 5227, RFC 5944 §4.6), RARP (RFC 903), unsolicited IPv6 Neighbor Advertisements (RFC 4861 §7.2.6).

import { ARP_HRD_ETHERNET, ARP_HRD_IEEE802 } from '../decode/arp';
import { formatIpv4, formatIpv6, formatMac } from '../decode/address';
import type { DecodedFrame } from '../decode/decoded-frame';
import { L4 } from '../decode/decoded-frame';
import { ICMPV6_TYPE } from '../decode/icmpv6';
import type { AlertSink, MarkerKind, NetworkChangeAlert } from './alerts';
import type { PacketClock } from './clock';
import { KeyIndex } from './key-index';
import type { AnnouncerState } from './state';
import { loaded, stored } from './state';

/*
 * What a moved or reconnected guest sends: a Linux guest announces itself with a gratuitous ARP
 * (arp_notify) and an unsolicited Neighbor Advertisement (ndisc_notify) when its carrier returns;
 * QEMU and VMware hosts send RARP for the guest after a live migration; a booting guest probes
 * and announces (RFC 5227); Hyper-V guests announce as they reconnect. Each is a marker: the
 * station says "I am here now", which is what a network change looks like in packets.
 *
 * One network-change alert per change, not per frame: announcements from one MAC less than
 * `announceQuietS` apart (120 s by default) are one change. That folds an RFC 5227 sequence
 * (three probes and two announcements in about 8 s), QEMU's five RARPs, and a gateway that
 * refreshes its neighbours by gratuitous ARP every 60 s into one each.
 *
 * A change is something that happens to a station already on the network: the first burst of a
 * MAC raises an alert only if netgap knew the station before the burst (it sent ARP, or the
 * address it announces answered requests). A capture that starts mid-way cannot tell a booting
 * guest or a gateway's routine refresh from a move, and a moved guest has been talking before.
 * Nor is a quiet that contains a capture hole (clock.ts) evidence: the announcements may be the
 * frames missing from the capture. After a live restart from a state file the announcers are
 * restored, and a MAC's quiet counts from the restart at most, as the ARP gap does: it may have
 * announced while netgap was not running. So a gateway's routine refresh raises nothing after a
 * restart; a real change of a MAC that announced before the stop is raised only once it has
 * been quiet `announceQuietS` of watched time.
 *
 * The blackout detector asks for the latest burst of a MAC (announcements less than
 * MARKER_BURST_GAP_S apart) to find a marker near the start of a blackout.
 */

/** Marker kinds by index (the table stores the index). */
export const MARKER_KINDS: readonly MarkerKind[] = ['gratuitous-arp', 'arp-probe', 'rarp', 'unsolicited-na'];
const MARKER = { GRATUITOUS_ARP: 0, ARP_PROBE: 1, RARP: 2, UNSOLICITED_NA: 3 } as const;

/**
 * Announcements closer than this are one burst. RFC 5227 spaces its probes 1-2 s and its
 * announcements 2 s apart (PROBE_MAX, ANNOUNCE_INTERVAL): 3 s holds a whole sequence.
 */
export const MARKER_BURST_GAP_S = 3;

const ARP_OP_REQUEST = 1;
const ARP_OP_REPLY = 2;
/** RFC 903: "request reverse", what QEMU's and VMware's self-announcements use. */
const RARP_OP_REQUEST_REVERSE = 3;
/** Neighbor Advertisement flag Solicited (RFC 4861 §4.4). */
const NA_FLAG_SOLICITED = 0x40;

/** One announcing MAC. Pooled by table id. */
export class Announcer {
  mac = 0;
  /** Time of its latest announcement. */
  lastS = -Infinity;
  /** First announcement of its latest burst, and that frame's marker index. */
  burstFirstS = -Infinity;
  burstKind = 0;
}

/**
 * Did netgap know the station before this frame? `mac` announced `ip4` (-1 when none) or the IPv6
 * address at `buf[ip6Off ..)` (ip6Off 0 when none).
 */
export type KnownStation = (mac: number, ip4: number, buf: Buffer, ip6Off: number) => boolean;

export interface NetworkChangeOptions {
  announceQuietS: number;
  /** Cap of the announcer table (shared with the host table's cap). */
  maxHosts: number;
}

export class NetworkChangeDetector {
  /** Announcers dropped to stay under the cap. */
  evicted = 0;
  private readonly index: KeyIndex;
  private readonly pool: Announcer[] = [];
  /** The marker found by `classify`: its index, MAC, and announced address. */
  private kind = -1;
  private mac = 0;
  private ip4 = -1;
  private ip6Off = 0;

  constructor(
    private readonly opts: NetworkChangeOptions,
    private readonly clock: PacketClock,
    private readonly known: KnownStation,
    private readonly sink: AlertSink,
    /** Told after each network-change: the MAC, the marker index, the IPv4 announced (-1 when none), the VLAN. */
    private readonly onChange: (mac: number, kind: number, ip4: number, vlan: number) => void = () => {},
  ) {
    this.index = new KeyIndex(opts.maxHosts);
  }

  /**
   * Hot path (ARP, RARP and ICMPv6 frames only, before the station table sees the frame, at the
   * packet clock's time): note a marker, and raise network-change at the start of a change.
   */
  onFrame(d: DecodedFrame): void {
    if (!this.classify(d)) return;
    const t = this.clock.now;
    const index = this.index;
    // The MAC goes through the key register: under an ARP flood this runs for every frame.
    index.key[0] = this.mac;
    let id = index.find();
    let fresh = false;
    if (id < 0) {
      if (index.size >= index.capacity) this.evictOldest(t);
      index.key[0] = this.mac;
      id = index.add();
      const a = (this.pool[id] ??= new Announcer());
      a.mac = this.mac;
      a.lastS = -Infinity;
      a.burstFirstS = -Infinity;
      fresh = true;
    } else {
      index.touch(id);
    }
    const a = this.pool[id]!;
    // Quiet since its last announcement, or since a restart after it (it may have announced unseen).
    const quietFrom = a.lastS > this.clock.watchedFromS ? a.lastS : this.clock.watchedFromS;
    const change = fresh ? this.known(this.mac, this.ip4, d.buf, this.ip6Off) : t - quietFrom >= this.opts.announceQuietS && this.clock.holeStartS < a.lastS;
    if (t - a.lastS > MARKER_BURST_GAP_S) {
      a.burstFirstS = t;
      a.burstKind = this.kind;
    }
    a.lastS = t;
    if (change) this.raise(d, t);
  }

  /** The latest announcements of `mac`, or undefined when it has not announced (or was evicted). */
  announcer(mac: number): Announcer | undefined {
    const id = this.index.lookup(mac);
    return id < 0 ? undefined : this.pool[id];
  }

  /**
   * The announcers that `keep` names, as a state file keeps them, least recently used first
   * (detect/state.ts). The engine keeps those of its stations: only a known MAC's first
   * announcement after a restart would raise a change, and so the file stays bounded by the
   * station table.
   */
  toState(keep: (mac: number) => boolean): AnnouncerState[] {
    const out: AnnouncerState[] = [];
    for (let id = this.index.oldest(); id >= 0; id = this.index.newer(id)) {
      const a = this.pool[id]!;
      if (!keep(a.mac)) continue;
      out.push({ mac: a.mac, lastS: stored(a.lastS), burstFirstS: stored(a.burstFirstS), burstKind: a.burstKind });
    }
    return out;
  }

  /** Rare, before any frame: the announcers from a state file (a smaller cap keeps the most recently used). */
  restore(s: readonly AnnouncerState[]): void {
    for (const r of s.slice(-this.index.capacity)) {
      if (this.index.lookup(r.mac) >= 0) continue;
      const id = this.index.insert(r.mac);
      const a = (this.pool[id] ??= new Announcer());
      a.mac = r.mac;
      a.lastS = loaded(r.lastS, -Infinity);
      a.burstFirstS = loaded(r.burstFirstS, -Infinity);
      a.burstKind = r.burstKind;
    }
  }

  /**
   * Hot path: is `d` a marker? Sets `kind`, `mac`, and the announced address (`ip4`, or
   * `ip6Off` for an NA's target). Only 6-byte hardware addresses of Ethernet/IEEE 802 count.
   */
  private classify(d: DecodedFrame): boolean {
    this.ip4 = -1;
    this.ip6Off = 0;
    if (d.isArp) {
      if (d.arpSha < 0 || (d.arpHtype !== ARP_HRD_ETHERNET && d.arpHtype !== ARP_HRD_IEEE802)) return false;
      this.mac = d.arpSha;
      if (d.isRarp) {
        this.kind = MARKER.RARP;
        return d.arpOp === RARP_OP_REQUEST_REVERSE;
      }
      if (d.arpSpa > 0 && d.arpSpa === d.arpTpa && (d.arpOp === ARP_OP_REQUEST || d.arpOp === ARP_OP_REPLY)) {
        this.kind = MARKER.GRATUITOUS_ARP;
        this.ip4 = d.arpSpa;
        return true;
      }
      if (d.arpSpa === 0 && d.arpTpa > 0 && d.arpOp === ARP_OP_REQUEST) {
        this.kind = MARKER.ARP_PROBE;
        this.ip4 = d.arpTpa;
        return true;
      }
      return false;
    }
    if (d.l4 === L4.ICMPV6 && d.icmpType === ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT && d.ndTargetOff > 0 && d.hasLinkSrc && (d.ndFlags & NA_FLAG_SOLICITED) === 0) {
      this.kind = MARKER.UNSOLICITED_NA;
      this.mac = d.linkSrc;
      this.ip6Off = d.ndTargetOff;
      return true;
    }
    return false;
  }

  /** Rare: the start of a change. */
  private raise(d: DecodedFrame, t: number): void {
    const a: NetworkChangeAlert = { ts: t, severity: 'info', kind: 'network-change', mac: formatMac(this.mac), marker: MARKER_KINDS[this.kind]! };
    if (this.ip4 >= 0) a.ip = formatIpv4(this.ip4);
    else if (this.ip6Off > 0) a.ip = formatIpv6(d.buf, this.ip6Off);
    if (d.vlan >= 0) a.vlan = d.vlan;
    this.sink(a);
    this.onChange(this.mac, this.kind, this.ip4, d.vlan);
  }

  /** Rare: the table is full; forget the MAC that announced least recently (the first eviction raises table-full). */
  private evictOldest(t: number): void {
    this.index.remove(this.index.oldest());
    if (this.evicted++ === 0) this.sink({ ts: t, severity: 'warning', kind: 'table-full', table: 'announcers', limit: this.opts.maxHosts });
  }
}
