// Inbound-blackout detector: a host that answered stops answering new requests, e.g. Windows Firewall's interface quarantine after a Hyper-V live migration (host fix: KB4338822).

import { formatIpv4, formatIpv6, formatMac } from '../decode/address';
import type { DecodedFrame } from '../decode/decoded-frame';
import type { AlertSink, InboundBlackoutAlert, InboundBlackoutStartAlert, LostCounts, MarkerKind, NetworkChangeOutageAlert } from './alerts';
import { Host, SPARE_HOSTS } from './blackout-host';
import type { BlackoutOptions } from './blackout-rules';
import { MARKER_WINDOW_S, MAX_BLACKOUT_ROWS, MAX_OUTAGE_ROWS, OUTAGE_SETTLE_S } from './blackout-rules';
import { Blackout, causeOf, OutageWatch } from './blackout-run';
import type { PacketClock } from './clock';
import { IPV6_ADDR_LEN, ipv6Key, sameIpv6 } from './ip-key';
import { KeyIndex } from './key-index';
import type { NetworkChangeDetector } from './network-change';
import { MARKER_KINDS } from './network-change';
import type { PendingRequest, ResponseListener } from './responses';
import { REQUEST } from './responses';
import type { BlackoutSummary, OutageSummary } from './summary';

/** Finds inbound blackouts and network-change outages per host, by the rules of blackout-rules.ts. */
export class BlackoutDetector implements ResponseListener {
  /** Hosts evicted to stay under the cap. */
  evicted = 0;
  /** Summary rows dropped to stay under MAX_BLACKOUT_ROWS. */
  evictedRows = 0;
  private readonly index: KeyIndex;
  private readonly hosts: (Host | undefined)[] = [];
  /** Evicted hosts no blackout refers to, for reuse. */
  private readonly spareHosts: Host[] = [];
  /** Confirmed blackouts, oldest first. */
  private readonly rows: Blackout[] = [];
  /** Network-change outages, oldest first; and those dropped to stay under MAX_OUTAGE_ROWS. */
  private readonly outageRows: OutageSummary[] = [];
  evictedOutages = 0;
  /** The table id `find` found. */
  private foundId = -1;

  constructor(
    private readonly opts: BlackoutOptions,
    private readonly clock: PacketClock,
    private readonly changes: NetworkChangeDetector,
    private readonly sink: AlertSink,
  ) {
    this.index = new KeyIndex(opts.maxHosts);
  }

  /** Hosts in the table. */
  get size(): number {
    return this.index.size;
  }

  /** Hot path: `d` answered the request of `p` sent at `p.eventS`. */
  answered(p: PendingRequest, d: DecodedFrame): void {
    let h = this.find(p);
    if (h === undefined) h = this.create(p);
    else this.index.touch(this.foundId);
    if (d.hasLinkSrc) h.mac = d.linkSrc;
    h.vlan = d.vlan;
    h.served(p);
    h.noteAnswered(p);
    const sentS = p.eventS;
    const b = h.current;
    if (p.kind === REQUEST.TCP_SYN && p.retries > 0) {
      // An attempt that began in this blackout, or in the last one, got through on a retry.
      const through = b !== null && p.firstSentS >= b.startS ? b : h.previous;
      if (through !== null && p.firstSentS >= through.startS && !(p.firstSentS >= through.endS)) through.tcpThroughOnRetry++;
    }
    // The first answer sent after the run's last loss (answers may arrive out of order) ends it.
    if (b !== null && sentS > b.lastLostS && !(sentS >= b.endS)) this.endAt(b, sentS);
  }

  /** The request of `p` sent at `p.eventS` went unanswered (seen at the packet clock's time). */
  unanswered(p: PendingRequest): void {
    const sentS = p.eventS;
    const t = this.clock.now;
    const h = this.find(p);
    // Not a host yet, or a service of it that never answered: nothing to say.
    if (h === undefined || !h.serves(p)) return;
    this.index.touch(this.foundId);
    let b = h.current;
    if (b !== null) {
      if (sentS > b.lastLostS) {
        // An answer sent in between ends the run before this loss, which starts the next one.
        if (h.firstAnsweredAfter(b.lastLostS) < sentS) {
          this.settle(b, t);
          b = null;
        }
      } else if (sentS < b.startS) {
        // Reported late (a TCP SYN): it belongs to the run unless an answer came in between.
        if (h.firstAnsweredAfter(sentS) < b.startS) return;
        b.startS = sentS;
      }
    }
    if (b === null) {
      b = h.spare ?? new Blackout(this, h);
      h.spare = null;
      b.reset(sentS);
      h.current = b;
    }
    this.findMarker(h, b);
    b.lostTotal++;
    if (p.kind === REQUEST.ICMP) b.lost.icmp++;
    else if (p.kind === REQUEST.UDP) b.lost.udp++;
    else b.lost.tcp_syn++;
    if (sentS > b.lastLostS) b.lastLostS = sentS;
    // Answers to requests sent after this one may have come already.
    const after = h.firstAnsweredAfter(b.lastLostS);
    if (after < Infinity && !(after >= b.endS)) this.endAt(b, after);
    if (!b.confirmed && b.lostTotal >= this.opts.blackoutMinLost && b.lastLostS - b.startS >= this.opts.blackoutMinS) this.confirm(h, b, t);
  }

  /**
   * The run ends at the answered request sent at `endS` (earlier than any end known so far); it
   * settles once every request sent before that has had its time.
   */
  private endAt(b: Blackout, endS: number): void {
    b.endS = endS;
    this.clock.timers.arm(b, endS + this.opts.responseTimeoutS);
  }

  /** The client of `p` sent its SYN again, at `p.eventS`. */
  synRetransmitted(p: PendingRequest): void {
    const b = this.find(p)?.current;
    if (b !== undefined && b !== null && !(p.eventS >= b.endS)) b.synRetransmissions++;
  }

  /**
   * The run `b` has ended and every request sent before its end has resolved (its timer), or a
   * newer loss came first: raise inbound-blackout for a confirmed run, drop an unconfirmed one.
   */
  settle(b: Blackout, t: number): void {
    if (b.settled) return;
    b.settled = true;
    this.clock.timers.disarm(b);
    const h = b.host;
    if (h.current === b) h.current = null;
    // A run settled by a newer loss may not have had its end set by an answer yet.
    if (Number.isNaN(b.endS)) b.endS = h.firstAnsweredAfter(b.lastLostS);
    h.lastRunStartS = b.startS;
    h.lastRunEndS = b.endS;
    h.lastRunConfirmed = b.confirmed;
    h.lastRunLost.icmp = b.lost.icmp;
    h.lastRunLost.udp = b.lost.udp;
    h.lastRunLost.tcp_syn = b.lost.tcp_syn;
    if (!b.confirmed) {
      h.spare = b;
      this.runSettled(h, t);
      return;
    }
    h.previous = b;
    this.findMarker(h, b);
    const duration = b.endS - b.startS;
    const a: InboundBlackoutAlert = {
      ts: t,
      severity: 'critical',
      kind: 'inbound-blackout',
      ...this.who(h, b),
      start_ts: b.startS,
      duration_s: duration,
      lost: { ...b.lost },
      syn_retransmissions: b.synRetransmissions,
      tcp_through_on_retry: b.tcpThroughOnRetry,
      ...this.marker(b),
      ...(b.markerKind >= 0 ? { resumed_after_marker_s: b.endS - b.markerS } : {}),
      cause: causeOf(b),
    };
    this.sink(a);
    this.runSettled(h, t);
  }

  /** Rare: the host's last run settled; it is the outage of the change being watched if it relates. */
  private runSettled(h: Host, t: number): void {
    const w = h.watch;
    if (w?.relates(h.lastRunStartS, h.lastRunEndS)) this.outage(w, t, true);
  }

  /**
   * Rare: `mac` raised network-change (marker index `kind`, at the clock's time on `vlan`),
   * announcing `ip4`, or (-1) one of `ips` it claimed before. Each of those hosts that answers
   * from that MAC is watched for the change's outage.
   */
  networkChanged(mac: number, kind: number, ip4: number, ips: readonly number[], vlan: number): void {
    if (ip4 >= 0) this.watchHost(mac, kind, ip4, vlan);
    else for (const ip of ips) this.watchHost(mac, kind, ip, vlan);
  }

  private watchHost(mac: number, kind: number, ip4: number, vlan: number): void {
    const id = this.index.lookup(ip4);
    if (id < 0) return;
    const h = this.hosts[id]!;
    if (h.mac >= 0 && h.mac !== mac) return; // its answers come from another MAC (a router's): not its change
    const t = this.clock.now;
    if (h.watch !== null) this.outage(h.watch, t, false); // the previous change ends here
    const w = (h.watchObj ??= new OutageWatch(this, h));
    w.markerS = t;
    w.markerKind = kind;
    w.mac = formatMac(mac);
    w.vlan = vlan;
    h.watch = w;
    // Answers resumed already: the run that ended just before the marker is its outage.
    if (!Number.isNaN(h.lastRunStartS) && w.relates(h.lastRunStartS, h.lastRunEndS)) {
      this.outage(w, t, true);
      return;
    }
    this.clock.timers.arm(w, t + OUTAGE_SETTLE_S + this.opts.responseTimeoutS);
  }

  /** The change's settle window passed: a run still open waits for its end; otherwise nothing was lost. */
  outageTimer(w: OutageWatch, t: number): void {
    const h = w.host;
    if (h.watch !== w) return;
    const b = h.current;
    if (b !== null && w.relates(b.startS, b.endS)) return; // its settlement raises the outage
    this.outage(w, t, false);
  }

  /**
   * Rare: raise the outage of the watched change `w`: the host's last settled run when `fromRun`
   * (it relates to the marker), else 0 when an answer came after the marker, else nothing.
   */
  private outage(w: OutageWatch, t: number, fromRun: boolean): void {
    const h = w.host;
    h.watch = null;
    this.clock.timers.disarm(w);
    if (!fromRun && !(h.firstAnsweredAfter(w.markerS) < Infinity)) return;
    const start = fromRun ? h.lastRunStartS : NaN;
    const end = fromRun ? h.lastRunEndS : NaN;
    const lost: LostCounts = fromRun ? { ...h.lastRunLost } : { icmp: 0, udp: 0, tcp_syn: 0 };
    const outageS = fromRun ? end - start : 0;
    const afterS = fromRun ? Math.max(0, end - Math.max(start, w.markerS)) : 0;
    const blackout = fromRun && h.lastRunConfirmed;
    const kind = MARKER_KINDS[w.markerKind]!;
    const a: NetworkChangeOutageAlert = {
      ts: t,
      severity: 'info',
      kind: 'network-change-outage',
      mac: w.mac,
      ip: h.ip,
      ...(w.vlan >= 0 ? { vlan: w.vlan } : {}),
      marker: kind,
      marker_ts: w.markerS,
      ...(fromRun ? { start_ts: start } : {}),
      outage_s: outageS,
      lost,
      after_marker_s: afterS,
      inbound_blackout: blackout,
    };
    if (this.outageRows.length >= MAX_OUTAGE_ROWS) {
      this.outageRows.shift();
      this.evictedOutages++;
    }
    this.outageRows.push({
      ip: h.ip,
      mac: w.mac,
      marker: kind,
      marker_ts: w.markerS,
      start_ts: fromRun ? start : null,
      outage_s: micro(outageS),
      lost: { ...lost },
      after_marker_s: micro(afterS),
      inbound_blackout: blackout,
    });
    this.sink(a);
  }

  /** The network-change outages for the summary, oldest first. */
  outages(): OutageSummary[] {
    return this.outageRows.map((o) => ({ ...o, lost: { ...o.lost } }));
  }

  /** Has the IPv4 address `ip4`, or the IPv6 address at `buf[ip6Off ..)`, answered a request? (ip4 -1 / ip6Off 0: none) */
  knows(ip4: number, buf: Buffer, ip6Off: number): boolean {
    if (ip4 >= 0) return this.index.lookup(ip4) >= 0;
    if (ip6Off === 0) return false;
    const id = this.index.lookup(ipv6Key(buf, ip6Off));
    return id >= 0 && sameIpv6(this.hosts[id]!.ip6!, 0, buf, ip6Off);
  }

  /** The summary rows at packet time `end`, oldest first. */
  summary(end: number): BlackoutSummary[] {
    return this.rows.map((b) => {
      const open = Number.isNaN(b.endS);
      return {
        ip: b.host.ip,
        mac: b.mac,
        start_ts: b.startS,
        duration_s: micro((open ? end : b.endS) - b.startS),
        open,
        lost: { ...b.lost },
        syn_retransmissions: b.synRetransmissions,
        tcp_through_on_retry: b.tcpThroughOnRetry,
        marker: b.markerKind >= 0 ? MARKER_KINDS[b.markerKind]! : null,
        marker_offset_s: b.markerKind >= 0 ? micro(b.markerS - b.startS) : null,
        resumed_after_marker_s: b.markerKind >= 0 && !open ? micro(b.endS - b.markerS) : null,
        cause: open ? null : causeOf(b),
      };
    });
  }

  /** The host asked by `p`, if it is one (IPv6: only after the collision check). */
  private find(p: PendingRequest): Host | undefined {
    const index = this.index;
    index.key[0] = p.serverKey;
    const id = (this.foundId = index.find());
    if (id < 0) return undefined;
    const h = this.hosts[id]!;
    if (p.isIpv6 && !sameIpv6(h.ip6!, 0, p.ip6!, IPV6_ADDR_LEN)) return undefined;
    return h;
  }

  /** Rare: a host's first answer (or an IPv6 address whose key another one held). */
  private create(p: PendingRequest): Host {
    const index = this.index;
    const t = this.clock.now;
    const taken = index.lookup(p.serverKey);
    if (taken >= 0) this.evict(taken, t);
    else if (index.size >= index.capacity) this.evict(index.oldest(), t);
    const id = index.insert(p.serverKey);
    const ip6 = p.isIpv6 ? Uint8Array.from(p.ip6!.subarray(IPV6_ADDR_LEN)) : null;
    const ip = ip6 !== null ? formatIpv6(ip6, 0) : formatIpv4(p.serverKey);
    const h = this.spareHosts.pop()?.reuse(ip, ip6) ?? new Host(ip, ip6);
    this.hosts[id] = h;
    return h;
  }

  /**
   * Rare: drops a host. Its object is kept for the next new host unless a blackout still refers
   * to it (a summary row or a run in progress reads its address): making a new object per new
   * host left the evicted ones to the garbage collector, which let the heap grow by the size of
   * the whole table before collecting.
   */
  private evict(id: number, t: number): void {
    const h = this.hosts[id]!;
    if (h.watch !== null) {
      this.clock.timers.remove(h.watch);
      h.watch = null;
    }
    this.index.remove(id);
    this.hosts[id] = undefined;
    if (h.current === null && h.previous === null && this.spareHosts.length < SPARE_HOSTS) this.spareHosts.push(h);
    if (this.evicted++ === 0) this.sink({ ts: t, severity: 'warning', kind: 'table-full', table: 'hosts', limit: this.opts.maxHosts });
  }

  /**
   * The host's latest burst of announcements that starts inside the run (up to its end, or now
   * while open) or at most MARKER_WINDOW_S before its start, if later than the one kept.
   */
  private findMarker(h: Host, b: Blackout): void {
    if (h.mac < 0) return;
    const a = this.changes.announcer(h.mac);
    if (a === undefined) return;
    const s = a.burstFirstS;
    const upTo = Number.isNaN(b.endS) ? this.clock.now : b.endS;
    if (s < b.startS - MARKER_WINDOW_S || s > upTo || (b.markerKind >= 0 && s <= b.markerS)) return;
    b.markerKind = a.burstKind;
    b.markerS = s;
  }

  /** Rare: enough unanswered requests: a blackout, said at once. */
  private confirm(h: Host, b: Blackout, t: number): void {
    b.confirmed = true;
    b.mac = h.mac >= 0 ? formatMac(h.mac) : null;
    this.findMarker(h, b);
    if (this.rows.length >= MAX_BLACKOUT_ROWS) {
      this.rows.shift();
      this.evictedRows++;
    }
    this.rows.push(b);
    const a: InboundBlackoutStartAlert = {
      ts: t,
      severity: 'warning',
      kind: 'inbound-blackout-start',
      ...this.who(h, b),
      start_ts: b.startS,
      lost: { ...b.lost },
      syn_retransmissions: b.synRetransmissions,
      ...this.marker(b),
    };
    this.sink(a);
  }

  /** The host's address fields (MAC and VLAN only when known). */
  private who(h: Host, b: Blackout): { ip: string; mac?: string; vlan?: number } {
    return { ...(b.mac !== null ? { mac: b.mac } : {}), ip: h.ip, ...(h.vlan >= 0 ? { vlan: h.vlan } : {}) };
  }

  /** The marker fields, present only when a marker was found. */
  private marker(b: Blackout): { marker?: MarkerKind; marker_offset_s?: number } {
    return b.markerKind >= 0 ? { marker: MARKER_KINDS[b.markerKind]!, marker_offset_s: b.markerS - b.startS } : {};
  }
}

/** Durations in the summary rounded to the microsecond, as the NDJSON renders those of alerts. */
function micro(s: number): number {
  return Math.round(s * 1e6) / 1e6;
}
