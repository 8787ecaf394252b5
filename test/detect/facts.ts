// Test helper: DecodedFrame facts built by hand, so detector tests need no bytes and no decoder.

import { DecodedFrame, L4, TCP_FLAG } from '../../src/decode/decoded-frame';
import type { Alert } from '../../src/detect/alerts';
import { Engine, type EngineOptions } from '../../src/detect/engine';

/** A Hyper-V guest (Microsoft's 00:15:5D block) and its peers. */
export const GUEST = 0x00155d0a0001;
export const GUEST_TEXT = '00:15:5d:0a:00:01';
export const OTHER = 0x00155d0a0002;
export const ROUTER = 0x00005e000101;
export const GUEST_IP = ip('198.51.100.11');
export const SERVER_IP = ip('203.0.113.7');

export function ip(dotted: string): number {
  return dotted.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

interface Link {
  /** Outer VLAN ID, -1 untagged. */
  vlan?: number;
  /** Destination MAC (the next hop); broadcast when absent. */
  dst?: number;
}

/** An Ethernet ARP request from `mac` claiming `spa` (RFC 826). */
export function arp(mac: number, spa: number, o: Link & { op?: number; htype?: number; hlen?: number; linkSrc?: number } = {}): DecodedFrame {
  const d = link(o.linkSrc ?? mac, o);
  d.etherType = 0x0806;
  d.isArp = true;
  d.arpHtype = o.htype ?? 1;
  d.arpPtype = 0x0800;
  d.arpHlen = o.hlen ?? 6;
  d.arpPlen = 4;
  d.arpOp = o.op ?? 1;
  d.arpSha = d.arpHlen === 6 ? mac : -1;
  d.arpSpa = spa;
  d.arpTpa = ip('198.51.100.1');
  return d;
}

/** An IPv4 UDP frame from `mac`: ordinary traffic. */
export function udp(mac: number, o: Link = {}): DecodedFrame {
  const d = link(mac, o);
  d.etherType = 0x0800;
  d.ipVersion = 4;
  d.ip4Src = GUEST_IP;
  d.ip4Dst = SERVER_IP;
  d.ipProto = 17;
  d.l4 = L4.UDP;
  d.srcPort = 5353;
  d.dstPort = 53;
  return d;
}

/** A TCP connection attempt (SYN without ACK) from `mac` to `dst`. */
export function syn(mac: number, dst: number, srcPort: number, o: Link & { ack?: boolean } = {}): DecodedFrame {
  const d = link(mac, o);
  d.etherType = 0x0800;
  d.ipVersion = 4;
  d.ip4Src = GUEST_IP;
  d.ip4Dst = dst;
  d.ipProto = 6;
  d.l4 = L4.TCP;
  d.srcPort = srcPort;
  d.dstPort = 443;
  d.tcpFlags = TCP_FLAG.SYN | (o.ack === true ? TCP_FLAG.ACK : 0);
  return d;
}

function link(src: number, o: Link): DecodedFrame {
  const d = new DecodedFrame();
  d.hasLinkSrc = true;
  d.linkSrc = src;
  d.linkDst = o.dst ?? 0xffffffffffff;
  if (o.vlan !== undefined && o.vlan >= 0) {
    d.vlan = o.vlan;
    d.vlanDepth = 1;
  }
  return d;
}

/** The engine, fed facts stamped by hand: `handleDecoded(d, t)` stamps the frame at `t` first. */
export class FactEngine extends Engine {
  override handleDecoded(d: DecodedFrame, t?: number): void {
    if (t !== undefined) d.ts = t;
    super.handleDecoded(d);
  }
}

/** An engine whose alerts land in an array. */
export function engine(options: Partial<EngineOptions> = {}): { engine: FactEngine; alerts: Alert[] } {
  const alerts: Alert[] = [];
  return { engine: new FactEngine(options, (a) => alerts.push(a)), alerts };
}

/** Alerts reduced to what most assertions read: kind and packet time. */
export function kinds(alerts: Alert[]): [string, number][] {
  return alerts.map((a) => [a.kind, a.ts]);
}
