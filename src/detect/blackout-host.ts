// A host that has answered requests: the services that answered and the send times of its last answers, for the inbound-blackout detector (KB4338822).

import type { LostCounts } from './alerts';
import type { Blackout, OutageWatch } from './blackout-run';
import { ANSWER_RING, SERVICE_PORTS } from './blackout-rules';
import type { PendingRequest } from './responses';
import { REQUEST } from './responses';

/** Where each ring lies in `Host.rings`: TCP ports, UDP ports, then answered send times. */
const TCP_PORTS_AT = 0;
const UDP_PORTS_AT = SERVICE_PORTS;
const ANSWERED_AT = 2 * SERVICE_PORTS;
const RINGS_LEN = 2 * SERVICE_PORTS + ANSWER_RING;
/** Evicted hosts kept for reuse: a flood of new hosts then makes no garbage (see BlackoutDetector.evict). */
export const SPARE_HOSTS = 64;

/**
 * A host that has answered a request. Its three rings share one Float64Array: a typed array
 * costs about 200 bytes of its own besides its data, and under a flood of answering hosts every
 * byte of a host is paid once per table entry.
 */
export class Host {
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

/** Hot path: is `port` among the first min(count, SERVICE_PORTS) entries of the ring at `rings[at ..)`? */
function hasPort(rings: Float64Array, at: number, count: number, port: number): boolean {
  const n = count < SERVICE_PORTS ? count : SERVICE_PORTS;
  for (let i = 0; i < n; i++) if (rings[at + i] === port) return true;
  return false;
}
