// Interface counters (Linux sysfs, Documentation/ABI/testing/sysfs-class-net-statistics) and the wire packets an offload-merged frame stands for.

import { readFileSync } from 'node:fs';

/** The kernel's per-interface directory; absent on other systems, and for libpcap's "any". */
const SYS_NET = '/sys/class/net';

/** An interface name as the kernel allows it (IFNAMSIZ 16, no '/'): anything else is not looked up. */
function sysName(iface: string): string | null {
  return /^[^/\s]{1,15}$/.test(iface) && iface !== '.' && iface !== '..' ? iface : null;
}

function readNumber(path: string): number {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(n) ? n : -1;
  } catch {
    return -1;
  }
}

/** ARPHRD_LOOPBACK (linux/if_arp.h), the interface's `type` in sysfs. */
const ARPHRD_LOOPBACK = 772;

/**
 * Packets the kernel counted on the interface, received plus sent: what a capture on it sees, as
 * the driver counts them. A loopback interface counts each packet twice (sent, then received)
 * while libpcap delivers it once (it skips the outgoing copy): there only `rx` counts.
 * -1 when unreadable (not Linux, the "any" device, the interface is gone).
 */
export function interfacePackets(iface: string): number {
  const name = sysName(iface);
  if (name === null) return -1;
  const rx = readNumber(`${SYS_NET}/${name}/statistics/rx_packets`);
  if (readNumber(`${SYS_NET}/${name}/type`) === ARPHRD_LOOPBACK) return rx;
  const tx = readNumber(`${SYS_NET}/${name}/statistics/tx_packets`);
  return rx < 0 || tx < 0 ? -1 : rx + tx;
}

/**
 * A reader of the interface's rx_packets + tx_packets (two small reads, the paths made once), -1
 * when unreadable: whether anything at all was counted between two reads (watermark.ts), filtered
 * or not, on loopback or not.
 */
export function packetCounters(iface: string): () => number {
  const name = sysName(iface);
  if (name === null) return () => -1;
  const rx = `${SYS_NET}/${name}/statistics/rx_packets`;
  const tx = `${SYS_NET}/${name}/statistics/tx_packets`;
  return () => {
    const r = readNumber(rx);
    const t = readNumber(tx);
    return r < 0 || t < 0 ? -1 : r + t;
  };
}

/** The interface's MTU in bytes, 0 when unknown. */
export function interfaceMtu(iface: string): number {
  const name = sysName(iface);
  return name === null ? 0 : Math.max(0, readNumber(`${SYS_NET}/${name}/mtu`));
}

/**
 * The kernel's index of the interface, -1 when there is no such interface (or not Linux). A
 * capture is bound to an index: an interface deleted and created again under the same name has a
 * new one, and the old capture sees nothing.
 */
export function interfaceIndex(iface: string): number {
  const name = sysName(iface);
  return name === null ? -1 : readNumber(`${SYS_NET}/${name}/ifindex`);
}

/** True when the system has sysfs network counters at all (Linux). */
export function hasInterfaceCounters(): boolean {
  return readNumber(`${SYS_NET}/lo/ifindex`) >= 0;
}

const ETH_HLEN = 14;
/** 802.1Q / 802.1ad tag length; two tags allowed for (QinQ), plus a trailing FCS. */
const VLAN_TAG_LEN = 4;
const ETH_FCS_LEN = 4;
const ETHERTYPE = { IPV4: 0x0800, IPV6: 0x86dd, VLAN: 0x8100, QINQ: 0x88a8, QINQ_OLD: 0x9100 } as const;
const IPV6_HLEN = 40;
const IPPROTO_TCP = 6;
const TCP_MIN_HLEN = 20;

/** The longest Ethernet frame an MTU allows on the wire: header, two VLAN tags, FCS. */
export function maxWireFrame(mtu: number): number {
  return mtu + ETH_HLEN + 2 * VLAN_TAG_LEN + ETH_FCS_LEN;
}

/**
 * How many wire packets an Ethernet frame longer than `maxWireFrame(mtu)` stands for. Such a frame
 * was merged by receive offload (GRO/LRO) or not yet cut by send offload (TSO/GSO), and the
 * driver's counters count its segments: ceil(payload / (mtu - headers)), each segment repeating
 * the IP and TCP headers. Rare path (only oversize frames); every read is bounds-checked, and
 * anything not IPv4/IPv6 counts as ceil(length / mtu).
 */
export function oversizeWirePackets(buf: Buffer, len: number, mtu: number): number {
  const fallback = Math.max(1, Math.ceil((len - ETH_HLEN) / mtu));
  let off = ETH_HLEN - 2;
  let type = len >= ETH_HLEN ? buf.readUInt16BE(off) : 0;
  for (let tags = 0; tags < 2 && (type === ETHERTYPE.VLAN || type === ETHERTYPE.QINQ || type === ETHERTYPE.QINQ_OLD); tags++) {
    off += VLAN_TAG_LEN;
    if (off + 2 > len) return fallback;
    type = buf.readUInt16BE(off);
  }
  const l3 = off + 2;
  let ipHlen: number;
  let proto: number;
  if (type === ETHERTYPE.IPV4 && l3 + 20 <= len) {
    ipHlen = (buf[l3]! & 0x0f) * 4; // l3 < len: checked above
    proto = buf[l3 + 9]!;
  } else if (type === ETHERTYPE.IPV6 && l3 + IPV6_HLEN <= len) {
    ipHlen = IPV6_HLEN;
    proto = buf[l3 + 6]!;
  } else {
    return fallback;
  }
  let headers = ipHlen;
  if (proto === IPPROTO_TCP && l3 + ipHlen + TCP_MIN_HLEN <= len) headers += (buf[l3 + ipHlen + 12]! >> 4) * 4;
  const perSegment = mtu - headers;
  if (perSegment <= 0 || ipHlen < 20) return fallback;
  return Math.max(1, Math.ceil((len - l3 - headers) / perSegment));
}
