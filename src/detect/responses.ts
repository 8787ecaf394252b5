// Request/response matching per target host: ICMP/ICMPv6 echo (RFC 792, RFC 4443), TCP SYN -> SYN-ACK or RST (RFC 9293 §3.5), UDP datagram -> datagram back (RFC 768).

import type { DecodedFrame } from '../decode/decoded-frame';
import { L4, TCP_FLAG } from '../decode/decoded-frame';
import { ICMP_TYPE } from '../decode/icmp';
import { ICMPV6_TYPE } from '../decode/icmpv6';
import type { AlertSink } from './alerts';
import type { PacketClock } from './clock';
import { IPV4_MULTICAST_FIRST, IPV6_ADDR_LEN, IPV6_MULTICAST_PREFIX, ipv6KeyInto, sameIpv6 } from './ip-key';
import { KeyIndex } from './key-index';
import type { TimerOwner } from './timer-queue';

/*
 * What counts as a request and as its answer (the request is from the client to the server, the
 * "host" a blackout is about):
 * - ICMP/ICMPv6 echo request -> the echo reply from the server with the same identifier and
 *   sequence number.
 * - TCP SYN (without ACK) -> SYN-ACK or RST from the server's port to the client's port. A SYN
 *   again on the same four-tuple is a retransmission of the same attempt: the transmission before
 *   it is unanswered (the client's own timer gave up on it), and the attempt goes on.
 * - UDP datagram -> any datagram back from the server's port to the client's port. A flow keeps
 *   the send times of its last UDP_RING unanswered datagrams; a datagram back answers all of them,
 *   as the answer to the newest (echo-like protocols answer before the next datagram; in a
 *   pipelined flow the older ones get their answers just after). The caller decides which UDP
 *   ports count (one-way streams such as syslog and NetFlow never answer, so they never do).
 *
 * An answer must come within --response-timeout of its request; a later one is ignored, since
 * the request was already reported unanswered (an answer at exactly the timeout is late: timers
 * fire before the frame stamped at their deadline). Requests to multicast and broadcast addresses
 * are not tracked: no single host answers for them.
 *
 * Bounded memory. One entry per echo request, TCP attempt or UDP flow, in a KeyIndex capped at
 * `maxRequests`; when it is full, the least recently used entry is dropped (counted in `evicted`,
 * with one table-full alert). Each entry is a pooled object that is also its own timer, so the
 * timer heap holds at most one entry per table entry, and a flood of unanswered requests to
 * random hosts costs the same memory as a full table, no more.
 *
 * No allocation per frame. Host keys, the 53-bit request key, echo ids and packet times are
 * doubles, and a double passed to a call that V8 does not inline is boxed. So the hot path keeps
 * them in a Float64Array of registers (`reg`), entries' fields, and the index's key register; the
 * listener reads the send time from `PendingRequest.eventS` and the packet time from the clock.
 */

/** The three kinds of request. */
export const REQUEST = { ICMP: 0, UDP: 1, TCP_SYN: 2 } as const;
export type RequestKind = (typeof REQUEST)[keyof typeof REQUEST];

/** Unanswered datagrams remembered per UDP flow; beyond, the oldest counts as unanswered at once. */
export const UDP_RING = 8;
/**
 * Seconds a TCP attempt whose SYN went unanswered is kept, waiting for a retransmission: longer
 * than Windows keeps retrying a connection by default (a SYN and two retransmissions, about 21 s),
 * and long enough for Linux's backoff (1, 2, 4, 8 s) to get through a 7 s quarantine.
 */
export const SYN_LINGER_S = 30;

const STATE = { PENDING: 0, LOST: 1 } as const;

/** One echo request, TCP connection attempt or UDP flow waiting for its answer. Pooled: reused by table id. */
export class PendingRequest implements TimerOwner {
  timerSlot = -1;
  timerKey = Infinity;
  timerSeq = 0;
  timerDue = Infinity;
  kind: RequestKind = REQUEST.ICMP;
  /** Host keys (ip-key.ts) of the requester and of the host asked. */
  clientKey = 0;
  serverKey = 0;
  /** ICMP: identifier * 65536 + sequence. TCP and UDP: client port * 65536 + server port. */
  ids = 0;
  /** TCP and UDP: the server's port; -1 for ICMP. */
  serverPort = -1;
  /** TCP: PENDING while a transmission waits for its answer, LOST while waiting for a retransmission. */
  state: number = STATE.PENDING;
  /** Send time of the transmission waiting (TCP: the latest SYN). */
  sentS = 0;
  /** TCP: send time of the attempt's first SYN. */
  firstSentS = 0;
  /** TCP: SYNs sent again for this attempt. */
  retries = 0;
  /** For the listener: the send time of the request it is told about. */
  eventS = 0;
  /** UDP: send times of the unanswered datagrams, a ring of UDP_RING from `udpHead`; made at the object's first UDP use. */
  udpSent: Float64Array | null = null;
  udpHead = 0;
  udpCount = 0;
  /** IPv6: the client's (0-15) and the server's (16-31) address, for the collision check; made at first use. */
  ip6: Uint8Array | null = null;
  isIpv6 = false;

  constructor(
    private readonly matcher: ResponseMatcher,
    /** The entry's id in the table. */
    readonly id: number,
  ) {}

  onTimer(): void {
    this.matcher.expire(this);
  }
}

/**
 * What the matcher tells the blackout detector, at the packet clock's time. Each call is about
 * `p.serverKey` and the request sent at `p.eventS`.
 */
export interface ResponseListener {
  /** `d` answers the request. */
  answered(p: PendingRequest, d: DecodedFrame): void;
  /** The request got no answer in time (or was superseded). */
  unanswered(p: PendingRequest): void;
  /** The client sent its SYN again (`p.eventS` is this retransmission). */
  synRetransmitted(p: PendingRequest): void;
}

export interface ResponseOptions {
  responseTimeoutS: number;
  maxRequests: number;
}

/** Registers of the frame being handled (`reg`): host keys of source and destination, the request's ids, the packet time. */
const REG = { SRC: 0, DST: 1, IDS: 2, NOW: 3 } as const;

/**
 * Hot path: the composite key of a request of `kind` from the host key in `reg[clientSlot]` to
 * the one in `reg[serverSlot]`, with `reg[REG.IDS]`, hashed to 53 bits into `out[0]`; a match is
 * then confirmed field by field (`PendingRequest` keeps them). Its inputs are read from `reg`, not
 * passed: they are doubles (addresses and ids above 2^30), boxed if the call is not inlined.
 */
function requestKey(kind: number, reg: Float64Array, clientSlot: number, serverSlot: number, out: Float64Array): void {
  const client = reg[clientSlot]!;
  const server = reg[serverSlot]!;
  const ids = reg[REG.IDS]!;
  // Written out (no helper calls): a uint32 returned by a call V8 does not inline is boxed.
  // Each step is MurmurHash3's fmix32 over the low half xor the high half times an odd constant.
  let a = (client >>> 0) ^ Math.imul((client / 0x1_0000_0000) >>> 0, 0x01000193);
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  a ^= a >>> 16;
  let b = (server >>> 0) ^ Math.imul((server / 0x1_0000_0000) >>> 0, 0x01000193) ^ a;
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  let c = ids ^ Math.imul(kind + 1, 0x9e3779b1) ^ b;
  c = Math.imul(c ^ (c >>> 16), 0x85ebca6b);
  c = Math.imul(c ^ (c >>> 13), 0xc2b2ae35);
  c ^= c >>> 16;
  let h = c ^ a ^ 0x5bd1e995;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  // 21 bits of h above the 32 of c: an exact integer below 2^53.
  out[0] = (h & 0x1fffff) * 0x1_0000_0000 + (c >>> 0);
}

export class ResponseMatcher {
  /** Entries dropped to stay under the cap (or replaced after a hash collision). */
  evicted = 0;
  private readonly index: KeyIndex;
  private readonly pool: PendingRequest[] = [];
  /** The frame being handled, in REG order. */
  private readonly reg = new Float64Array(4);

  constructor(
    private readonly opts: ResponseOptions,
    private readonly clock: PacketClock,
    private readonly listener: ResponseListener,
    private readonly sink: AlertSink,
  ) {
    this.index = new KeyIndex(opts.maxRequests);
  }

  /** Entries in the table. */
  get size(): number {
    return this.index.size;
  }

  /** Pooled entry objects made so far (never more than the cap). */
  get pooled(): number {
    return this.pool.length;
  }

  /**
   * Hot path: look at one decoded frame (any frame with a transport header), at the packet
   * clock's time. No allocation except the table's own growth up to its cap.
   */
  onFrame(d: DecodedFrame): void {
    const l4 = d.l4;
    const reg = this.reg;
    if (l4 === L4.TCP) {
      const f = d.tcpFlags & (TCP_FLAG.SYN | TCP_FLAG.ACK | TCP_FLAG.RST);
      if (f === TCP_FLAG.SYN) {
        if (!this.addresses(d)) return;
        reg[REG.IDS] = d.srcPort * 0x10000 + d.dstPort;
        this.request(d, REQUEST.TCP_SYN, d.dstPort);
      } else if (f === (TCP_FLAG.SYN | TCP_FLAG.ACK) || (f & TCP_FLAG.RST) !== 0) {
        if (!this.addresses(d)) return;
        reg[REG.IDS] = d.dstPort * 0x10000 + d.srcPort;
        this.answer(d, REQUEST.TCP_SYN);
      }
    } else if (l4 === L4.UDP) {
      if (!this.addresses(d)) return;
      // A datagram back answers; any other is a request (an answer is never also a request).
      reg[REG.IDS] = d.dstPort * 0x10000 + d.srcPort;
      if (this.answer(d, REQUEST.UDP)) return;
      reg[REG.IDS] = d.srcPort * 0x10000 + d.dstPort;
      this.request(d, REQUEST.UDP, d.dstPort);
    } else if (l4 === L4.ICMP || l4 === L4.ICMPV6) {
      if (d.icmpEchoId < 0 || !this.addresses(d)) return;
      const v4 = l4 === L4.ICMP;
      reg[REG.IDS] = d.icmpEchoId * 0x10000 + d.icmpEchoSeq;
      if (d.icmpType === (v4 ? ICMP_TYPE.ECHO_REQUEST : ICMPV6_TYPE.ECHO_REQUEST)) this.request(d, REQUEST.ICMP, -1);
      else if (d.icmpType === (v4 ? ICMP_TYPE.ECHO_REPLY : ICMPV6_TYPE.ECHO_REPLY)) this.answer(d, REQUEST.ICMP);
    }
  }

  /** Hot path: the frame's source and destination keys, and the packet time, into `reg`; false without IP addresses. */
  private addresses(d: DecodedFrame): boolean {
    const reg = this.reg;
    if (d.ipVersion === 4) {
      if (d.ip4Src < 0 || d.ip4Dst < 0) return false;
      reg[REG.SRC] = d.ip4Src;
      reg[REG.DST] = d.ip4Dst;
    } else if (d.ipVersion === 6) {
      ipv6KeyInto(d.buf, d.ip6SrcOff, reg, REG.SRC);
      ipv6KeyInto(d.buf, d.ip6DstOff, reg, REG.DST);
    } else {
      return false;
    }
    reg[REG.NOW] = this.clock.now;
    return true;
  }

  /** Hot path: does entry `p` hold the request of kind `kind` in `reg` (a request goes SRC -> DST, an answer back)? */
  private matches(p: PendingRequest, d: DecodedFrame, kind: number, isRequest: boolean): boolean {
    const reg = this.reg;
    const client = isRequest ? REG.SRC : REG.DST;
    const server = isRequest ? REG.DST : REG.SRC;
    if (p.kind !== kind || p.clientKey !== reg[client] || p.serverKey !== reg[server] || p.ids !== reg[REG.IDS]) return false;
    if (!p.isIpv6) return true;
    // The collision check: the keys of IPv6 addresses are hashes.
    const c = isRequest ? d.ip6SrcOff : d.ip6DstOff;
    const s = isRequest ? d.ip6DstOff : d.ip6SrcOff;
    return sameIpv6(p.ip6!, 0, d.buf, c) && sameIpv6(p.ip6!, IPV6_ADDR_LEN, d.buf, s);
  }

  /** Hot path: a request from SRC to DST: a new entry, or the next transmission of one. */
  private request(d: DecodedFrame, kind: RequestKind, serverPort: number): void {
    const reg = this.reg;
    // No single host answers for a multicast or broadcast destination.
    if (d.ipVersion === 4 ? reg[REG.DST]! >= IPV4_MULTICAST_FIRST || reg[REG.DST] === 0 : d.buf[d.ip6DstOff] === IPV6_MULTICAST_PREFIX) return;
    const index = this.index;
    requestKey(kind, reg, REG.SRC, REG.DST, index.key);
    const id = index.find();
    if (id < 0) {
      this.open(d, kind, serverPort);
      return;
    }
    const p = this.pool[id]!;
    if (!this.matches(p, d, kind, true)) {
      // A 53-bit hash collision: the newer request takes the slot.
      this.drop(p);
      this.open(d, kind, serverPort);
      return;
    }
    index.touch(id);
    const now = reg[REG.NOW]!;
    if (kind === REQUEST.TCP_SYN) {
      p.retries++;
      // The client's own retransmission timer gave up on the transmission still waiting.
      if (p.state === STATE.PENDING) {
        p.eventS = p.sentS;
        this.listener.unanswered(p);
      }
      p.eventS = now;
      this.listener.synRetransmitted(p);
      p.state = STATE.PENDING;
      p.sentS = now;
      this.clock.timers.arm(p, now + this.opts.responseTimeoutS);
    } else if (kind === REQUEST.UDP) {
      if (p.udpCount === UDP_RING) {
        // UDP_RING newer datagrams went out with no answer: the oldest is not waiting any more.
        this.popUdp(p);
        this.armUdp(p);
      }
      p.udpSent![(p.udpHead + p.udpCount) % UDP_RING] = now;
      p.udpCount++;
    }
    // ICMP: the same identifier and sequence again is a duplicate; the first one is the request.
  }

  /** A new entry for the request in `reg` and `index.key` (the table evicts its least recently used one when full). */
  private open(d: DecodedFrame, kind: RequestKind, serverPort: number): void {
    const index = this.index;
    const reg = this.reg;
    // Removing an entry leaves the key register as it is.
    if (index.size >= index.capacity) this.drop(this.pool[index.oldest()]!);
    const id = index.add();
    const p = (this.pool[id] ??= new PendingRequest(this, id));
    const now = reg[REG.NOW]!;
    p.kind = kind;
    p.clientKey = reg[REG.SRC]!;
    p.serverKey = reg[REG.DST]!;
    p.ids = reg[REG.IDS]!;
    p.serverPort = serverPort;
    p.state = STATE.PENDING;
    p.sentS = now;
    p.firstSentS = now;
    p.retries = 0;
    p.isIpv6 = d.ipVersion === 6;
    if (p.isIpv6) {
      const ip6 = (p.ip6 ??= new Uint8Array(2 * IPV6_ADDR_LEN));
      d.buf.copy(ip6, 0, d.ip6SrcOff, d.ip6SrcOff + IPV6_ADDR_LEN);
      d.buf.copy(ip6, IPV6_ADDR_LEN, d.ip6DstOff, d.ip6DstOff + IPV6_ADDR_LEN);
    }
    if (kind === REQUEST.UDP) {
      const ring = (p.udpSent ??= new Float64Array(UDP_RING));
      ring[0] = now;
      p.udpHead = 0;
      p.udpCount = 1;
    }
    this.clock.timers.arm(p, now + this.opts.responseTimeoutS);
  }

  /** Hot path: if `d` (from SRC back to DST) answers a waiting request, report it and close the entry. */
  private answer(d: DecodedFrame, kind: RequestKind): boolean {
    const reg = this.reg;
    const index = this.index;
    requestKey(kind, reg, REG.DST, REG.SRC, index.key);
    const id = index.find();
    if (id < 0) return false;
    const p = this.pool[id]!;
    if (!this.matches(p, d, kind, false)) return false;
    // LOST: a SYN-ACK for a transmission already reported unanswered, with no retransmission since.
    if (p.state === STATE.PENDING) {
      p.eventS = kind === REQUEST.UDP ? p.udpSent![(p.udpHead + p.udpCount - 1) % UDP_RING]! : p.sentS;
      this.listener.answered(p, d);
    }
    this.close(p);
    return true;
  }

  /** The timer of `p` is due (called by the packet clock, which is at its deadline). */
  expire(p: PendingRequest): void {
    if (p.kind === REQUEST.ICMP) {
      p.eventS = p.sentS;
      this.listener.unanswered(p);
      this.close(p);
    } else if (p.kind === REQUEST.TCP_SYN) {
      if (p.state === STATE.LOST) {
        this.close(p);
        return;
      }
      p.eventS = p.sentS;
      this.listener.unanswered(p);
      p.state = STATE.LOST;
      this.clock.timers.arm(p, p.sentS + SYN_LINGER_S);
    } else {
      this.popUdp(p);
      if (p.udpCount > 0) this.armUdp(p);
      else this.close(p);
    }
  }

  /** UDP: the oldest unanswered datagram of `p` is unanswered for good. */
  private popUdp(p: PendingRequest): void {
    p.eventS = p.udpSent![p.udpHead]!;
    p.udpHead = (p.udpHead + 1) % UDP_RING;
    p.udpCount--;
    this.listener.unanswered(p);
  }

  /** UDP: wait for the oldest unanswered datagram (a deadline already past fires at once). */
  private armUdp(p: PendingRequest): void {
    this.clock.timers.arm(p, p.udpSent![p.udpHead]! + this.opts.responseTimeoutS);
  }

  /** The entry is done: its timer is dropped lazily, and its id and object are reused. */
  private close(p: PendingRequest): void {
    this.clock.timers.disarm(p);
    this.index.remove(p.id);
  }

  /** Rare: forget an entry to make room (counted; the first one raises table-full). */
  private drop(p: PendingRequest): void {
    this.close(p);
    if (this.evicted++ === 0) {
      this.sink({ ts: this.clock.now, severity: 'warning', kind: 'table-full', table: 'requests', limit: this.opts.maxRequests });
    }
  }
}
