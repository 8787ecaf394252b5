// Test helper: request/response traffic as real Ethernet frames (fixtures/frames.ts builders, decoded by the real decoder) fed to an Engine at chosen packet times.

import type { Frame } from '../../src/frame';
import { LINKTYPE, newFrame } from '../../src/frame';
import type { Alert } from '../../src/detect/alerts';
import { Engine, type EngineOptions } from '../../src/detect/engine';
import type { Host } from '../../fixtures/frames';
import {
  arpAnnouncement,
  arpGratuitous,
  arpProbe,
  arpReply,
  arpRequest,
  ethernet,
  ETHERTYPE,
  internetChecksum,
  ipv4IcmpEcho,
  ipv4Tcp,
  ipv4Udp,
  ipv6UnsolicitedNa,
  TCP,
} from '../../fixtures/frames';

export const T0 = 1_700_000_000;

/** A guest behind the vSwitch, a client that probes it, and a third host. */
export const VM: Host = { mac: '00:15:5d:05:00:0a', ip: '198.51.100.10' };
export const CLIENT: Host = { mac: '00:15:5d:05:00:14', ip: '198.51.100.20' };
export const OTHER: Host = { mac: '00:15:5d:05:00:1e', ip: '192.0.2.30' };
export const VM6 = { mac: VM.mac, ip6: '2001:db8::a' };
export const CLIENT6 = { mac: CLIENT.mac, ip6: '2001:db8::14' };

let ipId = 0;
const l2 = (from: { mac: string }, to: { mac: string }) => ({ src: from.mac, dst: to.mac });
const ipf = (from: Host, to: Host) => ({ src: from.ip, dst: to.ip, id: ipId++ });

export function echoRequest(from: Host, to: Host, seq: number, id = 0x4242): Buffer {
  return ipv4IcmpEcho(l2(from, to), ipf(from, to), { type: 'request', id, seq, payload: Buffer.alloc(8) });
}
export function echoReply(from: Host, to: Host, seq: number, id = 0x4242): Buffer {
  return ipv4IcmpEcho(l2(from, to), ipf(from, to), { type: 'reply', id, seq, payload: Buffer.alloc(8) });
}
export function tcp(from: Host, to: Host, srcPort: number, dstPort: number, flags: number): Buffer {
  return ipv4Tcp(l2(from, to), ipf(from, to), { srcPort, dstPort, seq: 1, ack: flags & TCP.ACK ? 1 : 0, flags });
}
export const syn = (from: Host, to: Host, srcPort: number, dstPort: number) => tcp(from, to, srcPort, dstPort, TCP.SYN);
export const synAck = (from: Host, to: Host, srcPort: number, dstPort: number) => tcp(from, to, srcPort, dstPort, TCP.SYN | TCP.ACK);
export const rst = (from: Host, to: Host, srcPort: number, dstPort: number) => tcp(from, to, srcPort, dstPort, TCP.RST | TCP.ACK);
export function udp(from: Host, to: Host, srcPort: number, dstPort: number): Buffer {
  return ipv4Udp(l2(from, to), ipf(from, to), { srcPort, dstPort, payload: Buffer.alloc(4) });
}
export { arpAnnouncement, arpGratuitous, arpProbe, arpReply, arpRequest, ipv6UnsolicitedNa };

/** IPv6 text to 16 bytes (one `::` at most). */
export function ipv6(text: string): Buffer {
  const [head, tail] = text.split('::') as [string, string | undefined];
  const words = (s: string | undefined) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const hi = words(head);
  const lo = words(tail);
  const all = tail === undefined ? hi : [...hi, ...new Array<number>(8 - hi.length - lo.length).fill(0), ...lo];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, 2 * i));
  return out;
}

/** An ICMPv6 echo request (128) or reply (129) between two IPv6 hosts (RFC 4443 §4, RFC 8200). */
export function echo6(from: { mac: string; ip6: string }, to: { mac: string; ip6: string }, type: 128 | 129, seq: number, id = 0x4242): Buffer {
  const src = ipv6(from.ip6);
  const dst = ipv6(to.ip6);
  const msg = Buffer.alloc(16);
  msg[0] = type;
  msg.writeUInt16BE(id, 4);
  msg.writeUInt16BE(seq, 6);
  const pseudo = Buffer.alloc(40);
  src.copy(pseudo, 0);
  dst.copy(pseudo, 16);
  pseudo.writeUInt32BE(msg.length, 32);
  pseudo[39] = 58;
  msg.writeUInt16BE(internetChecksum([pseudo, msg]), 2);
  const hdr = Buffer.alloc(40);
  hdr.writeUInt32BE(0x60000000, 0);
  hdr.writeUInt16BE(msg.length, 4);
  hdr[6] = 58;
  hdr[7] = 64;
  src.copy(hdr, 8);
  dst.copy(hdr, 24);
  return ethernet(l2(from, to), ETHERTYPE.IPV6, Buffer.concat([hdr, msg]));
}

/** A RARP "request reverse" (RFC 903 op 3), as QEMU sends for a guest it moved: sender and target are the guest's MAC, no IPs. */
export function rarp(mac: string): Buffer {
  const body = Buffer.alloc(28);
  body.writeUInt16BE(1, 0);
  body.writeUInt16BE(ETHERTYPE.IPV4, 2);
  body[4] = 6;
  body[5] = 4;
  body.writeUInt16BE(3, 6);
  const m = Buffer.from(mac.split(':').map((p) => parseInt(p, 16)));
  m.copy(body, 8);
  m.copy(body, 18);
  return ethernet({ src: mac, dst: 'ff:ff:ff:ff:ff:ff' }, 0x8035, body);
}

export function frameAt(bytes: Buffer, t: number): Frame {
  const f = newFrame();
  f.buf = bytes;
  f.capLen = bytes.length;
  f.origLen = bytes.length;
  f.linkType = LINKTYPE.ETHERNET;
  f.tsSec = Math.floor(t);
  f.tsNsec = Math.round((t - Math.floor(t)) * 1e9);
  return f;
}

/** An engine, its alerts, and `send(t, bytes)` to feed it a frame at T0 + t. */
export function network(options: Partial<EngineOptions> = {}) {
  const alerts: Alert[] = [];
  const engine = new Engine(options, (a) => alerts.push(a));
  const send = (t: number, ...frames: Buffer[]) => frames.forEach((b) => engine.handleFrame(frameAt(b, T0 + t)));
  return { engine, alerts, send };
}

/**
 * `client` pings `host` every `everyS` from `fromS` to `toS` (excluded), sequence numbers from
 * `seq0`; each reply follows 1 ms later unless `lost(t)` says the request was dropped.
 */
export function pings(
  send: (t: number, ...f: Buffer[]) => void,
  o: { client?: Host; host?: Host; fromS: number; toS: number; everyS?: number; seq0?: number; lost?: (t: number) => boolean },
): number {
  const client = o.client ?? CLIENT;
  const host = o.host ?? VM;
  const every = o.everyS ?? 0.2;
  let seq = o.seq0 ?? 1;
  for (let i = 0; ; i++) {
    const t = o.fromS + i * every;
    if (t >= o.toS - 1e-9) break;
    send(t, echoRequest(client, host, seq));
    if (!(o.lost?.(t) ?? false)) send(t + 0.001, echoReply(host, client, seq));
    seq++;
  }
  return seq;
}

/** Alerts reduced to kind and time since T0, rounded to the millisecond. */
export function timeline(alerts: Alert[]): [string, number][] {
  return alerts.map((a) => [a.kind, Math.round((a.ts - T0) * 1000) / 1000]);
}
