// Deterministic generator of the bench's large captures: hours of a busy Hyper-V vSwitch (KB2832644 ARP cadences) and two floods.

/*
 * Nothing here is committed output: the bench writes these files to a temporary folder. Every run
 * writes the same bytes (fixed seeds, time from 2025-11-22T09:00:00Z, no clock), so two machines
 * measure the same input.
 *
 * The network. `stations` VMs with Hyper-V MACs 00:15:5d:01:xx:xx sit behind one router
 * (00:15:5d:00:00:01) that routes them to servers in 198.19.0.0/16. Addresses come from
 * 198.18.0.0/15, the range RFC 2544 sets aside for benchmarks. A quarter of the VMs are on one of
 * four 802.1Q VLANs, their frames and the router's answers tagged. The router announces itself on
 * each VLAN (and untagged) with a gratuitous ARP every 60 +- 1 s.
 *
 * What each VM does. It sleeps, then does one thing (a burst), again and again: four pings of the
 * web server a second apart (Windows `ping`), a DNS lookup then a short HTTP exchange, a short TCP
 * request/response, or a bulk download of 20-80 full-size segments acked every second one, at
 * 1 Gb/s line rate. Before a burst, it ARPs for the router when its class says so:
 * - Vista+ (64 %): when its entry's reachable time (drawn in 15-45 s after each ARP) has run
 *   out, a unicast re-validation, answered by the router. Never alerts.
 * - XP (10 %): when its entry is 600 s old (ArpCacheMinReferencedLife), a broadcast request. It
 *   talks past 240 s and 300 s, so each 600 s cycle gives a warning, an expiry and a recovery.
 * - SYN-kept (10 %): boots in the first 10 minutes (RFC 5227 probe and announcement, one request
 *   for the router), then never ARPs again: a monitoring agent's TCP SYN to one server every
 *   40 +- 0.3 s, answered by RST, keeps its entry alive. It warns and expires (tcp-syn-refresh).
 * - Quiet (16 %): a Vista+ VM with a burst only every 5-15 minutes.
 * XP VMs start mid-cycle (their last ARP lies before the capture); the others' first ARP is in it.
 *
 * The frames are the fixture builders' (fixtures/frames.ts: real headers, checksums, Windows SYN
 * options and ping payload; TCP and DNS payloads are random bytes, as encrypted traffic is),
 * built once per VM and kind as templates, then written with new timestamps only: a capture of
 * millions of frames costs no allocation per frame. Frames of all
 * VMs are merged in time order through a heap, so the file never goes backwards.
 */

import type { Frame } from '../../src/frame';
import { LINKTYPE, newFrame } from '../../src/frame';
import type { Host, L2 } from '../../fixtures/frames';
import { Rng } from '../../fixtures/rng';
import {
  TCP,
  WINDOWS_PING_PAYLOAD,
  WINDOWS_SYN_OPTIONS,
  arpAnnouncement,
  arpGratuitous,
  arpProbe,
  arpReply,
  arpRequest,
  ipv4IcmpEcho,
  ipv4Tcp,
  ipv4Udp,
} from '../../fixtures/frames';

/** What a generator writes to: PcapWriter and PcapngWriter both fit. */
export interface FrameWriter {
  write(frame: Frame): void;
}

/** 2025-11-22T09:00:00Z. Times below are integer microseconds after it, so they stay exact. */
export const START_S = Date.UTC(2025, 10, 22, 9, 0, 0) / 1000;
const S = 1_000_000;
const MS = 1_000;

/** Writes each frame of a generated capture to every writer, with its timestamp. */
class Output {
  frames = 0;
  bytes = 0;
  arpFrames = 0;
  private readonly frame: Frame = newFrame();

  constructor(private readonly writers: readonly FrameWriter[]) {
    this.frame.linkType = LINKTYPE.ETHERNET;
  }

  /** `us` microseconds after START_S. */
  emit(us: number, buf: Buffer, isArp: boolean): void {
    const f = this.frame;
    const sec = Math.floor(us / S);
    f.tsSec = START_S + sec;
    f.tsNsec = (us - sec * S) * 1000;
    f.buf = buf;
    f.off = 0;
    f.capLen = buf.length;
    f.origLen = buf.length;
    for (const w of this.writers) w.write(f);
    this.frames++;
    this.bytes += buf.length;
    if (isArp) this.arpFrames++;
  }
}

/** The router: one MAC, one address per VLAN (untagged first). */
const ROUTER_MAC = '00:15:5d:00:00:01';
const VLANS = [100, 101, 102, 103] as const;
const WEB_SERVER = '198.19.255.10';
const DNS_SERVER = '198.19.255.53';
const MONITORING_SERVER = '198.19.255.20';
/** A Zabbix-style agent's active-check port; closed here, so every SYN gets a RST. */
const MONITORING_PORT = 10051;
/** Linux servers (TTL 64), one hop away. */
const SERVER_TTL = 63;
/** Ethernet payload of a full-size segment: 1500 - 20 (IPv4) - 20 (TCP). */
const MSS = 1460;
/** Time a full-size frame takes on 1 Gb/s (1514 bytes + preamble and gap), µs. */
const WIRE_US_PER_SEGMENT = 12;

/** Untagged VMs are in 198.18.0.0/16; VLAN k's in 198.19.(60k).0/18-ish; the router is .1 of each. */
function subnetBase(vlan: number | undefined): string {
  return vlan === undefined ? '198.18.0' : `198.19.${(vlan - VLANS[0]) * 60}`;
}

function routerOn(vlan: number | undefined): Host {
  const ip = `${subnetBase(vlan)}.1`;
  return vlan === undefined ? { mac: ROUTER_MAC, ip } : { mac: ROUTER_MAC, ip, vlans: [vlan] };
}

/** A busy VM's small exchanges come every 15-60 s, its transfers every 3-15 minutes. */
const CHATTER_MIN_US = 15 * S;
const CHATTER_MAX_US = 60 * S;
const TRANSFER_MIN_US = 180 * S;
const TRANSFER_MAX_US = 900 * S;
const BULK_MIN_SEGMENTS = 20;
const BULK_MAX_SEGMENTS = 100;

const CLASS = { VISTA: 0, XP: 1, SYN_KEPT: 2, QUIET: 3 } as const;
type VmClass = (typeof CLASS)[keyof typeof CLASS];

/** A VM's frames, built once: only timestamps change between uses. */
interface Templates {
  arpUnicast: Buffer;
  arpBroadcast: Buffer;
  arpReply: Buffer;
  probe: Buffer;
  announce: Buffer;
  pingRequest: Buffer;
  pingReply: Buffer;
  dnsQuery: Buffer;
  dnsResponse: Buffer;
  syn: Buffer;
  synAck: Buffer;
  ack: Buffer;
  request: Buffer;
  segment: Buffer;
  lastSegment: Buffer;
  serverAck: Buffer;
  fin: Buffer;
  serverFin: Buffer;
  monitoringSyn: Buffer;
  monitoringRst: Buffer;
}

/** `len` bytes of noise: TLS records and compressed DNS do not compress further, so a gzip copy is realistic. */
function noise(rng: Rng, len: number): Buffer {
  const b = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) b[i] = rng.int(0, 255);
  return b;
}

function templates(vm: Host, router: Host, rng: Rng): Templates {
  const up: L2 = { src: vm.mac, dst: router.mac, vlans: vm.vlans };
  const down: L2 = { src: router.mac, dst: vm.mac, vlans: vm.vlans };
  const toWeb = { src: vm.ip, dst: WEB_SERVER, id: 0x1000 };
  const fromWeb = { src: WEB_SERVER, dst: vm.ip, id: 0x2000, ttl: SERVER_TTL };
  const web = (l2: L2, ip: typeof toWeb, flags: number, payloadLen = 0, fromServer = false): Buffer =>
    ipv4Tcp(l2, ip, {
      srcPort: fromServer ? 443 : 50123,
      dstPort: fromServer ? 50123 : 443,
      seq: fromServer ? 0x7000_0000 : 0x1000_0000,
      ack: fromServer ? 0x1000_0001 : 0x7000_0001,
      flags,
      options: flags & TCP.SYN ? WINDOWS_SYN_OPTIONS : undefined,
      payload: noise(rng, payloadLen),
    });
  return {
    arpUnicast: arpRequest(vm, router.ip, router.mac),
    arpBroadcast: arpRequest(vm, router.ip),
    arpReply: arpReply(router, vm),
    probe: arpProbe(vm),
    announce: arpAnnouncement(vm),
    pingRequest: ipv4IcmpEcho(up, toWeb, { type: 'request', id: 1, seq: 1, payload: WINDOWS_PING_PAYLOAD }),
    pingReply: ipv4IcmpEcho(down, fromWeb, { type: 'reply', id: 1, seq: 1, payload: WINDOWS_PING_PAYLOAD }),
    dnsQuery: ipv4Udp(up, { src: vm.ip, dst: DNS_SERVER, id: 0x1001 }, { srcPort: 53000, dstPort: 53, payload: noise(rng, 34) }),
    dnsResponse: ipv4Udp(down, { src: DNS_SERVER, dst: vm.ip, id: 0x2001, ttl: SERVER_TTL }, { srcPort: 53, dstPort: 53000, payload: noise(rng, 130) }),
    syn: web(up, toWeb, TCP.SYN),
    synAck: web(down, fromWeb, TCP.SYN | TCP.ACK, 0, true),
    ack: web(up, toWeb, TCP.ACK),
    request: web(up, toWeb, TCP.PSH | TCP.ACK, 420),
    segment: web(down, fromWeb, TCP.ACK, MSS, true),
    lastSegment: web(down, fromWeb, TCP.PSH | TCP.ACK, 700, true),
    serverAck: web(down, fromWeb, TCP.ACK, 0, true),
    fin: web(up, toWeb, TCP.FIN | TCP.ACK),
    serverFin: web(down, fromWeb, TCP.FIN | TCP.ACK, 0, true),
    monitoringSyn: ipv4Tcp(
      up,
      { src: vm.ip, dst: MONITORING_SERVER, id: 0x1002 },
      { srcPort: 49700, dstPort: MONITORING_PORT, seq: 1, ack: 0, flags: TCP.SYN, options: WINDOWS_SYN_OPTIONS },
    ),
    monitoringRst: ipv4Tcp(
      down,
      { src: MONITORING_SERVER, dst: vm.ip, id: 0x2002, ttl: SERVER_TTL },
      { srcPort: MONITORING_PORT, dstPort: 49700, seq: 0, ack: 2, flags: TCP.RST | TCP.ACK },
    ),
  };
}

/**
 * Something that sends frames: a VM (with the router's answers to it) or the router's own
 * announcements. `at` is the time of its next frame (Infinity: done); `step` emits that frame.
 */
interface Actor {
  at: number;
  step(out: Output): void;
}

/** The frames of one burst with their times, sent in time order one per step. */
class Burst {
  private items: { t: number; frame: Buffer; isArp: boolean }[] = [];
  private pos = 0;

  get pending(): boolean {
    return this.pos < this.items.length;
  }
  get nextAt(): number {
    return this.items[this.pos]!.t;
  }
  /** Starts a new burst (the previous one was sent). */
  clear(): void {
    this.items = [];
    this.pos = 0;
  }
  add(t: number, frame: Buffer, isArp = false): void {
    this.items.push({ t, frame, isArp });
  }
  /** The burst is complete: acks and segments of a transfer interleave, so order them by time (stable). */
  seal(): void {
    this.items.sort((x, y) => x.t - y.t);
  }
  send(out: Output): void {
    const it = this.items[this.pos++]!;
    out.emit(it.t, it.frame, it.isArp);
  }
}

/** What a VM does next: a small exchange, a transfer, or (SYN-kept) its monitoring agent's SYN. */
const ACTIVITY = { CHATTER: 0, TRANSFER: 1, MONITORING: 2 } as const;
type Activity = (typeof ACTIVITY)[keyof typeof ACTIVITY];

class Vm implements Actor {
  at = Infinity;
  private readonly t: Templates;
  private readonly burst = new Burst();
  private readonly rng: Rng;
  /** When its router entry was last confirmed by ARP, µs (XP's lies before the capture). */
  private lastArp = -Infinity;
  /** Vista+: the entry's reachable time, drawn anew at each ARP. */
  private reachable = 0;
  /** When each activity is next due, µs, indexed by ACTIVITY. */
  private readonly due = [Infinity, Infinity, Infinity];
  /** Time of the last frame sent, µs. */
  private sent = 0;

  constructor(
    index: number,
    private readonly cls: VmClass,
    host: Host,
    router: Host,
    private readonly end: number,
  ) {
    this.rng = new Rng(0x5eed0000 + index);
    this.t = templates(host, router, this.rng);
    if (cls !== CLASS.QUIET) this.due[ACTIVITY.CHATTER] = this.rng.int(0, CHATTER_MAX_US);
    this.due[ACTIVITY.TRANSFER] = this.rng.int(0, this.transferIdleUs());
    if (cls === CLASS.XP) this.lastArp = -this.rng.int(0, 600 * S);
    if (cls === CLASS.SYN_KEPT) this.boot(this.rng.int(0, 600 * S));
    this.plan();
  }

  step(out: Output): void {
    this.sent = this.at;
    this.burst.send(out);
    this.plan();
  }

  private transferIdleUs(): number {
    return this.cls === CLASS.QUIET ? this.rng.int(300 * S, 900 * S) : this.rng.int(TRANSFER_MIN_US, TRANSFER_MAX_US);
  }

  /**
   * Moves `at` to the next frame, starting the next activity when its burst is sent. One that
   * came due while the last burst was still going starts when that one has ended.
   */
  private plan(): void {
    while (!this.burst.pending) {
      this.burst.clear();
      const d = this.due;
      let next: Activity = ACTIVITY.CHATTER;
      if (d[ACTIVITY.TRANSFER]! < d[next]!) next = ACTIVITY.TRANSFER;
      if (d[ACTIVITY.MONITORING]! < d[next]!) next = ACTIVITY.MONITORING;
      const t = Math.max(this.sent, d[next]!);
      if (t >= this.end) {
        this.at = Infinity;
        return;
      }
      switch (next) {
        case ACTIVITY.CHATTER:
          this.chatter(this.refresh(t));
          d[next] = t + this.rng.int(CHATTER_MIN_US, CHATTER_MAX_US);
          break;
        case ACTIVITY.TRANSFER:
          this.transfer(this.refresh(t));
          d[next] = t + this.transferIdleUs();
          break;
        default:
          this.burst.add(t, this.t.monitoringSyn);
          this.burst.add(t + this.rng.int(200, 900), this.t.monitoringRst);
          d[next] = t + this.rng.int(39_700 * MS, 40_300 * MS);
          break;
      }
      this.burst.seal();
    }
    this.at = this.burst.nextAt;
  }

  /** RFC 5227 start-up (one probe, one announcement) and the first request for the router. */
  private boot(t: number): void {
    this.burst.add(t, this.t.probe, true);
    t += this.rng.int(1 * S, 2 * S);
    this.burst.add(t, this.t.announce, true);
    t += 2 * S;
    this.resolve(t, false);
    this.due[ACTIVITY.MONITORING] = t + 5 * S;
    for (const a of [ACTIVITY.CHATTER, ACTIVITY.TRANSFER]) this.due[a] = Math.max(this.due[a]!, t + S);
  }

  /** Before sending at `t`: ARP for the router if the class's cache says so. Returns when to send. */
  private refresh(t: number): number {
    switch (this.cls) {
      case CLASS.VISTA:
      case CLASS.QUIET:
        return t - this.lastArp > this.reachable ? this.resolve(t, this.lastArp !== -Infinity) : t;
      case CLASS.XP:
        return t - this.lastArp >= 600 * S ? this.resolve(t, false) : t;
      default:
        return t; // SYN-kept: its SYNs keep the entry; it never re-resolves
    }
  }

  /** Asks for the router (unicast re-validation or broadcast); the router answers. */
  private resolve(t: number, unicast: boolean): number {
    this.burst.add(t, unicast ? this.t.arpUnicast : this.t.arpBroadcast, true);
    const reply = t + this.rng.int(150, 600);
    this.burst.add(reply, this.t.arpReply, true);
    this.lastArp = t;
    this.reachable = this.rng.int(15 * S, 45 * S);
    return reply + this.rng.int(20, 100);
  }

  /** A DNS lookup or one ping: what keeps a busy guest's ARP entry in use between transfers. */
  private chatter(t: number): void {
    const r = this.rng;
    const b = this.burst;
    if (r.next() < 0.5) {
      b.add(t, this.t.dnsQuery);
      b.add(t + r.int(500, 5000), this.t.dnsResponse);
    } else {
      b.add(t, this.t.pingRequest);
      b.add(t + r.int(300, 2000), this.t.pingReply);
    }
  }

  /** Four pings, or a TCP exchange (short, or a bulk download), at 1 Gb/s, acked every second segment. */
  private transfer(t: number): void {
    const r = this.rng;
    const b = this.burst;
    const t0 = this.t;
    const kind = r.next();
    if (kind < 0.2) {
      for (let i = 0; i < 4; i++, t += S) {
        b.add(t, t0.pingRequest);
        b.add(t + r.int(300, 2000), t0.pingReply);
      }
      return;
    }
    const rtt = r.int(300, 2000);
    b.add(t, t0.syn);
    b.add((t += rtt), t0.synAck);
    b.add((t += r.int(20, 80)), t0.ack);
    b.add((t += r.int(20, 200)), t0.request);
    t += rtt;
    const segments = kind < 0.5 ? r.int(1, 3) : r.int(BULK_MIN_SEGMENTS, BULK_MAX_SEGMENTS);
    for (let i = 1; i <= segments; i++) {
      b.add((t += WIRE_US_PER_SEGMENT), i === segments ? t0.lastSegment : t0.segment);
      if (i % 2 === 0 || i === segments) b.add(t + r.int(30, 120), t0.ack);
    }
    t += rtt + r.int(1000, 30_000);
    b.add(t, t0.fin);
    b.add((t += rtt), t0.serverFin);
    b.add(t + r.int(20, 80), t0.ack);
  }
}

/** The router's gratuitous ARP on each of its addresses, every 60 +- 1 s. */
class RouterAnnouncements implements Actor {
  at: number;
  private readonly rng = new Rng(0x5eedffff);
  private readonly frames: Buffer[];
  private next = 0;

  constructor(private readonly end: number) {
    this.frames = [undefined, ...VLANS].map((v) => arpGratuitous(routerOn(v)));
    this.at = this.rng.int(0, S);
  }

  step(out: Output): void {
    out.emit(this.at, this.frames[this.next]!, true);
    this.next = (this.next + 1) % this.frames.length;
    this.at += this.next === 0 ? this.rng.int(59 * S, 61 * S) : this.rng.int(100, 1000);
    if (this.at >= this.end) this.at = Infinity;
  }
}

/** Binary min-heap of actors by `at`: merging thousands of senders into one time-ordered file. */
class ActorHeap {
  private readonly h: Actor[] = [];

  push(a: Actor): void {
    const h = this.h;
    let i = h.length;
    h.push(a);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= a.at) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = a;
  }

  /** The actor with the earliest frame, left in place: call `fix()` after stepping it. */
  top(): Actor | undefined {
    return this.h[0];
  }

  /** The top's `at` grew: sink it to its place. */
  fix(): void {
    const h = this.h;
    const n = h.length;
    const a = h[0]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]!.at < h[l]!.at ? r : l;
      if (h[c]!.at >= a.at) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = a;
  }
}

export interface HypervOptions {
  /** VMs on the switch. */
  stations: number;
  /** Packet time covered, seconds. */
  seconds: number;
}

export interface GenStats {
  frames: number;
  /** Bytes of frame data (not counting file and record headers). */
  bytes: number;
  arpFrames: number;
}

/** The VM at `index` (0-based): its class, and its address and VLAN. */
function vmHost(index: number): { cls: VmClass; host: Host } {
  const slot = index % 50; // classes in fixed proportions, spread over the address range
  const cls = slot < 32 ? CLASS.VISTA : slot < 37 ? CLASS.XP : slot < 42 ? CLASS.SYN_KEPT : CLASS.QUIET;
  const mac = `00:15:5d:01:${((index >> 8) & 0xff).toString(16).padStart(2, '0')}:${(index & 0xff).toString(16).padStart(2, '0')}`;
  const vlan = index % 4 === 3 ? VLANS[(index >> 2) % VLANS.length] : undefined;
  // 250 hosts (.2 to .251) per third octet, counted up from the subnet's base.
  const [a, b, c] = subnetBase(vlan).split('.').map(Number) as [number, number, number];
  const ip = `${a}.${b}.${c + Math.floor(index / 250)}.${(index % 250) + 2}`;
  return { cls, host: vlan === undefined ? { mac, ip } : { mac, ip, vlans: [vlan] } };
}

/** Writes the Hyper-V vSwitch capture to every writer (the same frames to each). */
export function writeHypervCapture(writers: readonly FrameWriter[], opts: HypervOptions): GenStats {
  const end = opts.seconds * S;
  const out = new Output(writers);
  const heap = new ActorHeap();
  heap.push(new RouterAnnouncements(end));
  for (let i = 0; i < opts.stations; i++) {
    const { cls, host } = vmHost(i);
    heap.push(new Vm(i, cls, host, routerOn(host.vlans?.[0]), end));
  }
  for (let a = heap.top(); a !== undefined && a.at !== Infinity; a = heap.top()) {
    a.step(out);
    heap.fix();
  }
  return { frames: out.frames, bytes: out.bytes, arpFrames: out.arpFrames };
}

/** Floods arrive at 100 kpps: 10 µs apart. */
const FLOOD_GAP_US = 10;
/** Offsets in an untagged Ethernet/IPv4/ICMP frame. */
const IPV4_AT = 14;
const IPV4_CHECKSUM_AT = IPV4_AT + 10;
const IPV4_DST_AT = IPV4_AT + 16;
const ICMP_AT = IPV4_AT + 20;
/** Offsets in an untagged Ethernet/ARP frame. */
const ETH_SRC_AT = 6;
const ARP_SHA_AT = 14 + 8;
const ARP_SPA_AT = 14 + 14;

/** RFC 1071 checksum of buf[from .. to), with the checksum field at `at` taken as 0, written there. */
function refreshChecksum(buf: Buffer, from: number, to: number, at: number): void {
  buf.writeUInt16BE(0, at);
  let sum = 0;
  for (let i = from; i < to; i += 2) sum += buf.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  buf.writeUInt16BE(~sum & 0xffff, at);
}

/**
 * `frames` ARP requests for the router, each from a different random MAC with a random sender
 * address in 198.18.0.0/15: a station-table flood (macof-style), at 100 kpps. One template is
 * rewritten per frame; the Ethernet source and the ARP sender stay equal, as a real sender's do.
 */
export function writeArpFlood(writers: readonly FrameWriter[], frames: number): GenStats {
  const rng = new Rng(0xf100d001);
  const out = new Output(writers);
  const frame = arpRequest({ mac: '02:00:00:00:00:00', ip: '198.18.0.2' }, '198.18.0.1');
  for (let i = 0; i < frames; i++) {
    // A unicast, locally administered address: the low two bits of the first octet are 1 0.
    frame[ETH_SRC_AT] = frame[ARP_SHA_AT] = (rng.int(0, 255) & 0xfc) | 0x02;
    for (let k = 1; k < 6; k++) frame[ETH_SRC_AT + k] = frame[ARP_SHA_AT + k] = rng.int(0, 255);
    frame[ARP_SPA_AT + 1] = 18 + rng.int(0, 1);
    frame[ARP_SPA_AT + 2] = rng.int(0, 255);
    frame[ARP_SPA_AT + 3] = rng.int(1, 254);
    out.emit(i * FLOOD_GAP_US, frame, true);
  }
  return { frames: out.frames, bytes: out.bytes, arpFrames: out.arpFrames };
}

/**
 * One VM (which ARPs first, so it is a station) sends the rest of `frames` as ICMP echo requests
 * (Windows ping) to random unicast IPv4 addresses at 100 kpps, none answered: a flood of pending
 * requests for any request/response matcher. Checksums are kept valid.
 */
export function writeEchoFlood(writers: readonly FrameWriter[], frames: number): GenStats {
  const rng = new Rng(0xf100d002);
  const out = new Output(writers);
  const vm: Host = { mac: '00:15:5d:01:ff:fe', ip: '198.18.200.2' };
  const router = routerOn(undefined);
  out.emit(0, arpRequest(vm, router.ip), true);
  out.emit(300, arpReply(router, vm), true);
  const frame = ipv4IcmpEcho(
    { src: vm.mac, dst: router.mac },
    { src: vm.ip, dst: WEB_SERVER, id: 0 },
    { type: 'request', id: 1, seq: 0, payload: WINDOWS_PING_PAYLOAD },
  );
  const icmpEnd = frame.length;
  for (let i = 2; i < frames; i++) {
    frame.writeUInt16BE(i & 0xffff, IPV4_AT + 4); // IPv4 identification
    frame[IPV4_DST_AT] = rng.int(1, 223); // unicast: below the class D multicast range
    frame[IPV4_DST_AT + 1] = rng.int(0, 255);
    frame[IPV4_DST_AT + 2] = rng.int(0, 255);
    frame[IPV4_DST_AT + 3] = rng.int(1, 254);
    frame.writeUInt16BE(i & 0xffff, ICMP_AT + 6); // echo sequence
    refreshChecksum(frame, IPV4_AT, ICMP_AT, IPV4_CHECKSUM_AT);
    refreshChecksum(frame, ICMP_AT, icmpEnd, ICMP_AT + 2);
    out.emit(1000 + i * FLOOD_GAP_US, frame, false);
  }
  return { frames: out.frames, bytes: out.bytes, arpFrames: out.arpFrames };
}
