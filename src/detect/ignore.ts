// --ignore: known devices (proxy-ARP routers, VRRP pairs) whose alerts are dropped, by MAC, IPv4 address or IPv4 CIDR (RFC 4632), as arpwatch users ask.

import { formatMac } from '../decode/address';
import type { Alert } from './alerts';

/** One parsed entry: a MAC (lower-case colon hex), or an IPv4 network as [first, last] address. */
export type IgnoreEntry = { mac: string } | { from: number; to: number };

const MAC_RE = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i;
const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** `text` as an entry, or null when it is neither a MAC, an IPv4 address nor an IPv4 CIDR. */
export function parseIgnoreEntry(text: string): IgnoreEntry | null {
  const m = MAC_RE.exec(text.trim());
  if (m !== null) return { mac: formatMac(parseInt(m.slice(1, 7).join(''), 16)) };
  const ip = IPV4_RE.exec(text.trim());
  if (ip === null) return null;
  const octets = ip.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return null;
  const bits = ip[5] === undefined ? 32 : Number(ip[5]);
  if (bits > 32) return null;
  const addr = octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const from = Math.floor(addr / size) * size;
  return { from, to: from + size - 1 };
}

function ipv4Number(text: string): number {
  const ip = IPV4_RE.exec(text);
  if (ip === null || ip[5] !== undefined) return -1;
  return ip.slice(1, 5).reduce((n, o) => n * 256 + Number(o), 0);
}

/** The entries of --ignore; `drops` is asked once per alert (rare), never per frame. */
export class IgnoreList {
  private readonly macs = new Set<string>();
  private readonly nets: { from: number; to: number }[] = [];

  /** Throws a RangeError naming the first entry that is not a MAC, an IPv4 address or an IPv4 CIDR. */
  constructor(entries: readonly string[]) {
    for (const text of entries) {
      const e = parseIgnoreEntry(text);
      if (e === null) throw new RangeError(`ignore: expected a MAC, an IPv4 address or an IPv4 CIDR, got ${JSON.stringify(text)}`);
      if ('mac' in e) this.macs.add(e.mac);
      else this.nets.push(e);
    }
  }

  get empty(): boolean {
    return this.macs.size === 0 && this.nets.length === 0;
  }

  /** Is the alert about an ignored device: its MAC, its previous MAC, its Ethernet source, or its IPv4 address? */
  drops(a: Alert): boolean {
    const r = a as { mac?: string; old_mac?: string; eth_src?: string; ip?: string };
    if (r.mac !== undefined && this.macs.has(r.mac)) return true;
    if (r.old_mac !== undefined && this.macs.has(r.old_mac)) return true;
    if (r.eth_src !== undefined && this.macs.has(r.eth_src)) return true;
    if (r.ip === undefined || this.nets.length === 0) return false;
    const ip = ipv4Number(r.ip);
    return ip >= 0 && this.nets.some((n) => ip >= n.from && ip <= n.to);
  }
}
