// Inbound-blackout detector: a host that answered stops answering new requests, e.g. Windows Firewall's interface quarantine after a Hyper-V live migration (host fix: KB4338822).

import { formatIpv4, formatIpv6, formatMac } from '../decode/address';
import type { DecodedFrame } from '../decode/decoded-frame';
import type { AlertSink, BlackoutCause, InboundBlackoutAlert, InboundBlackoutStartAlert, LostCounts, MarkerKind, NetworkChangeOutageAlert } from './alerts';
import { IPV6_ADDR_LEN, ipv6Key, sameIpv6 } from './ip-key';
import { KeyIndex } from './key-index';
import type { PacketClock } from './clock';
import type { NetworkChangeDetector } from './network-change';
import { MARKER_KINDS } from './network-change';
import type { PendingRequest, ResponseListener } from './responses';
import { REQUEST } from './responses';
import type { TimerOwner } from './timer-queue';

/*
 * What happens ("Hyper-V: LiveMigration cause network problems"): after a live migration the
 * guest gets a network-change indication, and Windows Firewall puts the interface in quarantine,
 * refusing every new inbound connection until the network is classified. When the event that
 * should end it never comes, a hard-coded safety timeout ends it 7 s after the last network
 * event. Pings and UDP fail for those 7 s; TCP gets through on a SYN retransmission. With the
 * firewall off, at most one ping is lost. The host-side fix is KB4338822 with
 * SendLmNetworkChangeIndication=0 (the advice, src/output/describe.ts, gives all three).
 *
 * In packets, per host H (the IP requests are sent to):
 * - H becomes a host when it first answers a request (responses.ts). It remembers which services
 *   answered: echo, and up to SERVICE_PORTS TCP and UDP ports each. A lost request to a service
 *   that never answered (a filtered port, a syslog collector) says nothing about H.
 * - A run is unanswered requests to H with no answered request sent between them; it starts at
 *   the first. It is a blackout once at least `blackoutMinLost` requests are unanswered and their
 *   send times span `blackoutMinS`: inbound-blackout-start, raised then (a run of one is an
 *   isolated loss).
 * - It ends at the first answered request sent after its last unanswered one; the duration is
 *   between the send times of its first unanswered and that answered request. Losses are known
 *   only at their timeouts, after the answers to later requests, so H keeps the send times of
 *   its last ANSWER_RING answers to find that first answer.
 * - The run then settles for --response-timeout: by then every request sent before that answer
 *   has been answered or has timed out, so the lost counts are complete, and a short run whose
 *   losses were still waiting for their timeouts when the answer came is confirmed too.
 *   inbound-blackout is raised when it has settled; a run that settles unconfirmed (one lost
 *   ping) is dropped. A loss sent after the end settles it at once and starts the next run.
 * - Marker: the latest burst of announcements (network-change.ts) from H's MAC (the link source
 *   of its answers) that starts inside the run or at most MARKER_WINDOW_S before it. It is looked
 *   up at every loss of the run, when it is confirmed and when it settles, so a later burst
 *   replaces an earlier one (the announcer keeps only its latest).
 * - Cause: interface-quarantine when answers resume QUARANTINE_S +- QUARANTINE_TOLERANCE_S after
 *   that marker, whatever was lost before it (a migration's stop-and-copy loses answers before
 *   the hypervisor's RARP; the quarantine ends 7 s after the last network event); otherwise
 *   unknown.
 *
 * Network-change outages. When H's MAC (or the address it announces) raises network-change, H
 * is watched: the run of unanswered requests that overlaps the marker +- MARKER_WINDOW_S is that
 * change's outage, raised as network-change-outage once it settles (a single lost ping too: it
 * is the migration's cost, not a blackout). With nothing lost and an answer after the marker,
 * the outage is 0, raised OUTAGE_SETTLE_S after the marker. With no answer after it nothing was
 * measured, and nothing is raised.
 * - Input that ends inside a confirmed blackout leaves it open: the summary gives its duration
 *   so far (no alert: the summary may be a snapshot, and the blackout may go on). One that ended
 *   less than --response-timeout before the input did is in the summary only.
 *
 * TCP retries. The attempts whose SYN was lost during the blackout and that got an answer on a
 * retransmission are counted; the alert counts those answered by its time (pings usually end a
 * blackout first, and Linux's retransmissions come up to 4 s later), the summary all of them.
 *
 * Bounded memory: hosts in a KeyIndex capped at `maxHosts` (least recently used evicted, counted),
 * summary rows capped at MAX_BLACKOUT_ROWS (oldest dropped, counted). A host evicted during a
 * confirmed blackout leaves its row open.
 */

/** Seconds between a network-change marker and the start of the blackout for them to be related (issue 5). */
export const MARKER_WINDOW_S = 2;
/** The quarantine's hard-coded safety timeout, seconds, and the slack allowed around it. */
export const QUARANTINE_S = 7;
export const QUARANTINE_TOLERANCE_S = 1.5;
/** TCP and UDP ports remembered per host as having answered (most recent first wins). */
export const SERVICE_PORTS = 8;
/**
 * Send times of answered requests kept per host. A run's boundaries are exact while the host
 * answers at most this many requests within --response-timeout; beyond that, the end is the
 * latest answer the ring let go of, a little late.
 */
export const ANSWER_RING = 16;
/** Blackouts kept for the summary; beyond, the oldest is dropped. */
export const MAX_BLACKOUT_ROWS = 1024;
/** Network-change outages kept for the summary; beyond, the oldest is dropped. */
export const MAX_OUTAGE_ROWS = 1024;
/**
 * Seconds after a network change by which, with nothing lost, its outage is said to be 0: past
 * the MARKER_WINDOW_S a related run may start in, with a second of slack; --response-timeout,
 * the first loss's wait, is added at run time.
 */
export const OUTAGE_SETTLE_S = MARKER_WINDOW_S + 1;

/** One network change's outage in the summary (the network-change-outage alert's fields). */
export interface OutageSummary {
  /** The host (IPv4 or IPv6). */
  ip: string;
  /** The announcing MAC. */
  mac: string;
  marker: MarkerKind;
  /** Packet time of the network change, epoch seconds. */
  marker_ts: number;
  /** Send time of the first unanswered request; null when nothing was lost. */
  start_ts: number | null;
  /** Seconds from the first unanswered request to the first answered one; 0 when nothing was lost. */
  outage_s: number;
  lost: LostCounts;
  /** Seconds of the outage after the marker. */
  after_marker_s: number;
  /** True when the outage was also an inbound blackout (at least --blackout-min and 2 lost). */
  inbound_blackout: boolean;
}

/** One blackout in the summary. */
export interface BlackoutSummary {
  /** The host (IPv4 or IPv6). */
  ip: string;
  /** Its MAC, the link-layer source of its answers; null when the capture has no link layer. */
  mac: string | null;
  /** Packet time of the first unanswered request, epoch seconds. */
  start_ts: number;
  /** Seconds from there to the first answered request; for an open blackout, to `end_ts`. */
  duration_s: number;
  /** True when the input ended inside the blackout. */
  open: boolean;
  /** Requests lost, by protocol. */
  lost: LostCounts;
  /** TCP SYNs sent again to the host during the blackout. */
  syn_retransmissions: number;
  /** TCP attempts whose SYN was lost in the blackout and that got through on a retransmission, up to the end of input. */
  tcp_through_on_retry: number;
  /** The host's last network-change marker inside the blackout or within 2 s before it, null when none. */
  marker: MarkerKind | null;
  /** Seconds from `start_ts` to that marker (negative: it came first); null when none. */
  marker_offset_s: number | null;
  /** Seconds from that marker to the first answered request (the quarantine's 7 s); null when none or open. */
  resumed_after_marker_s: number | null;
  /** Null while open. */
  cause: BlackoutCause | null;
}

export interface BlackoutOptions {
  responseTimeoutS: number;
  blackoutMinS: number;
  blackoutMinLost: number;
  maxHosts: number;
}

/** One run of unanswered requests to a host: a candidate until confirmed, then a blackout. Its timer settles it. */
class Blackout implements TimerOwner {
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
class OutageWatch implements TimerOwner {
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

/** Where each ring lies in `Host.rings`: TCP ports, UDP ports, then answered send times. */
const TCP_PORTS_AT = 0;
const UDP_PORTS_AT = SERVICE_PORTS;
const ANSWERED_AT = 2 * SERVICE_PORTS;
const RINGS_LEN = 2 * SERVICE_PORTS + ANSWER_RING;
/** Evicted hosts kept for reuse: a flood of new hosts then makes no garbage (see BlackoutDetector.evict). */
const SPARE_HOSTS = 64;

/**
 * A host that has answered a request. Its three rings share one Float64Array: a typed array
 * costs about 200 bytes of its own besides its data, and under a flood of answering hosts every
 * byte of a host is paid once per table entry.
 */
class Host {
  /** MAC of its latest answer's link-layer source, -1 when none. */
  mac = -1;
  vlan = -1;
  echo = false;
  /** Rings of the TCP and UDP ports that answered, then of the send times of its last ANSWER_RING answered requests (arrival order); counts grow past the ring, writes wrap. */
  readonly rings = new Float64Array(RINGS_LEN);
  tcpCount = 0;
  udpCount = 0;
  answeredCount = 0;
  /** The latest send time the ring has let go of, -Infinity while it has let go of none. */
  answeredDroppedS = -Infinity;
  /** The current run of unanswered requests (a candidate or a confirmed blackout), null when none. */
  current: Blackout | null = null;
  /** A candidate object to reuse: an unconfirmed run leaves its object here. */
  spare: Blackout | null = null;
  /** The last blackout that ended, for TCP retries that get through after it. */
  previous: Blackout | null = null;
  /** The network change whose outage is being measured, null when none (its object is kept for reuse). */
  watch: OutageWatch | null = null;
  watchObj: OutageWatch | null = null;
  /** The last run that settled (confirmed or not), for a network change announced after it ended. */
  lastRunStartS = NaN;
  lastRunEndS = NaN;
  lastRunConfirmed = false;
  readonly lastRunLost: LostCounts = { icmp: 0, udp: 0, tcp_syn: 0 };

  constructor(
    /** Its address, as text. */
    public ip: string,
    /** IPv6: its 16 bytes (the collision check of its hashed key); null for IPv4. */
    public ip6: Uint8Array | null,
  ) {}

  /** Rare: an evicted host's object for a new address; every field as the constructor gives it (its spare candidate is kept). */
  reuse(ip: string, ip6: Uint8Array | null): this {
    this.ip = ip;
    this.ip6 = ip6;
    this.mac = -1;
    this.vlan = -1;
    this.echo = false;
    this.rings.fill(0);
    this.tcpCount = 0;
    this.udpCount = 0;
    this.answeredCount = 0;
    this.answeredDroppedS = -Infinity;
    this.current = null;
    this.previous = null;
    this.watch = null;
    this.lastRunStartS = NaN;
    this.lastRunEndS = NaN;
    this.lastRunConfirmed = false;
    return this;
  }

  /** Has the service that `p` asked answered before? */
  serves(p: PendingRequest): boolean {
    if (p.kind === REQUEST.ICMP) return this.echo;
    if (p.kind === REQUEST.TCP_SYN) return hasPort(this.rings, TCP_PORTS_AT, this.tcpCount, p.serverPort);
    return hasPort(this.rings, UDP_PORTS_AT, this.udpCount, p.serverPort);
  }

  /** Hot path (answers): remember the request of `p` (sent at `p.eventS`) as answered. */
  noteAnswered(p: PendingRequest): void {
    const slot = ANSWERED_AT + (this.answeredCount++ % ANSWER_RING);
    if (this.answeredCount > ANSWER_RING && this.rings[slot]! > this.answeredDroppedS) this.answeredDroppedS = this.rings[slot]!;
    this.rings[slot] = p.eventS;
  }

  /** The send time of the first answered request sent after `s` (Infinity when none is known). */
  firstAnsweredAfter(s: number): number {
    let first = Infinity;
    const n = Math.min(this.answeredCount, ANSWER_RING);
    for (let i = 0; i < n; i++) {
      const a = this.rings[ANSWERED_AT + i]!;
      if (a > s && a < first) first = a;
    }
    // An answer the ring let go of may have come earlier: it was no later than the latest of them.
    return this.answeredDroppedS > s && this.answeredDroppedS < first ? this.answeredDroppedS : first;
  }

  /** Hot path (answers): remember that the service `p` asked answered. */
  served(p: PendingRequest): void {
    const port = p.serverPort;
    if (p.kind === REQUEST.ICMP) this.echo = true;
    else if (p.kind === REQUEST.TCP_SYN) {
      if (!hasPort(this.rings, TCP_PORTS_AT, this.tcpCount, port)) this.rings[TCP_PORTS_AT + (this.tcpCount++ % SERVICE_PORTS)] = port;
    } else if (!hasPort(this.rings, UDP_PORTS_AT, this.udpCount, port)) this.rings[UDP_PORTS_AT + (this.udpCount++ % SERVICE_PORTS)] = port;
  }
}

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

/** Hot path: is `port` among the first min(count, SERVICE_PORTS) entries of the ring at `rings[at ..)`? */
function hasPort(rings: Float64Array, at: number, count: number, port: number): boolean {
  const n = count < SERVICE_PORTS ? count : SERVICE_PORTS;
  for (let i = 0; i < n; i++) if (rings[at + i] === port) return true;
  return false;
}

/** The cause an ended run supports: the quarantine ends QUARANTINE_S after the host's last network event. */
function causeOf(b: Blackout): BlackoutCause {
  return b.markerKind >= 0 && Math.abs(b.endS - b.markerS - QUARANTINE_S) <= QUARANTINE_TOLERANCE_S ? 'interface-quarantine' : 'unknown';
}

/** Durations in the summary rounded to the microsecond, as the NDJSON renders those of alerts. */
function micro(s: number): number {
  return Math.round(s * 1e6) / 1e6;
}
