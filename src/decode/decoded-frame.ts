// The facts decoders extract from one frame: numbers and offsets in one reused object, no strings.

import { viewOf } from '../bytes';

/**
 * Why a frame could not be decoded fully. Stable kebab-case names: they appear in the summary and
 * the NDJSON, so only ever append. `truncated-*` means the captured bytes ended inside that header
 * (snaplen or a cut frame); the other names mean a field holds an impossible value.
 */
export const DECODE_REASONS = [
  'truncated-ethernet',
  'truncated-vlan',
  'vlan-too-deep',
  'truncated-sll',
  'truncated-sll2',
  'truncated-null',
  'null-bad-family',
  'truncated-arp',
  'arp-bad-length',
  'truncated-ipv4',
  'ipv4-bad-version',
  'ipv4-bad-ihl',
  'ipv4-bad-total-length',
  'truncated-ipv6',
  'ipv6-bad-version',
  'truncated-ipv6-ext',
  'ipv6-ext-too-many',
  'truncated-tcp',
  'tcp-bad-offset',
  'truncated-udp',
  'truncated-icmp',
  'truncated-icmpv6',
  'unsupported-link-type',
  'truncated-raw-ip',
  'raw-ip-bad-version',
  'interface-over-cap',
] as const;
export type DecodeReason = (typeof DECODE_REASONS)[number];

/** Index of each reason in DECODE_REASONS, for counting in a typed array. */
export const REASON_INDEX: Readonly<Record<DecodeReason, number>> = Object.fromEntries(DECODE_REASONS.map((r, i) => [r, i])) as Record<DecodeReason, number>;

/** The transport the frame carried, once decoded (0 = none or not reached). */
export const L4 = { NONE: 0, TCP: 1, UDP: 2, ICMP: 3, ICMPV6: 4 } as const;

/** TCP flag bits (RFC 9293 §3.1). */
export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/**
 * One object, made once and reset per frame (gopacket's DecodingLayerParser). Addresses are
 * numbers (a MAC fits in 48 bits of a double; IPv4 in 32) or offsets into the frame's buffer,
 * valid only while the frame is being handled. Text is made only when an alert needs it.
 *
 * A field is meaningful only when the layer that sets it was reached: check `hasLinkSrc`,
 * `isArp`, `ipVersion`, `l4` first. `-1` marks "absent" in the numeric fields that can be 0.
 */
export class DecodedFrame {
  /** The frame's bytes (same buffer as the Frame; valid only during the call). */
  buf: Buffer = Buffer.alloc(0);
  /** `viewOf(buf)`: decoders read 16- and 32-bit fields through it (src/bytes.ts says why). */
  view: DataView = viewOf(this.buf);
  /** The frame's own timestamp, epoch seconds (the Frame's two integers as one float). */
  ts = 0;

  /** Index into DECODE_REASONS when decoding stopped early, else -1. */
  reason = -1;
  /** True when the captured bytes ended before the original length (snaplen): later layers may be missing. */
  incomplete = false;

  // Link layer.
  /** True when the link layer carried a 6-byte source address (Ethernet, SLL with halen 6). */
  hasLinkSrc = false;
  /** Link-layer source address, 48 bits as a number. */
  linkSrc = 0;
  /** Link-layer destination address (Ethernet only), 48 bits; -1 when absent. */
  linkDst = -1;
  /** Outermost VLAN ID (802.1Q/802.1ad), -1 when untagged. */
  vlan = -1;
  /** Innermost VLAN ID when there are two or more tags, else -1. */
  innerVlan = -1;
  /** Number of VLAN tags. */
  vlanDepth = 0;
  /** EtherType of the payload after the VLAN tags (0 when the link type has none). */
  etherType = 0;

  // ARP / RARP (RFC 826, RFC 903).
  /** True when the frame is ARP (0x0806) or RARP (0x8035) and its fixed header was present. */
  isArp = false;
  /** True for RARP (EtherType 0x8035). */
  isRarp = false;
  arpHtype = 0;
  arpPtype = 0;
  arpHlen = 0;
  arpPlen = 0;
  arpOp = 0;
  /** Offsets of the sender/target hardware and protocol addresses in `buf`. */
  arpShaOff = 0;
  arpSpaOff = 0;
  arpThaOff = 0;
  arpTpaOff = 0;
  /** Sender hardware address as a number when hlen is 6, else -1. */
  arpSha = -1;
  /** Sender/target protocol address as uint32 when ptype is IPv4 and plen 4, else -1. */
  arpSpa = -1;
  arpTpa = -1;
  /** Target hardware address as a number when hlen is 6, else -1. */
  arpTha = -1;

  // IP.
  /** 4, 6, or 0 when the frame carries no IP header. */
  ipVersion = 0;
  /** IPv4 source/destination as uint32 (ipVersion 4), else -1. */
  ip4Src = -1;
  ip4Dst = -1;
  /** Offsets of the 16-byte IPv6 source/destination in `buf` (ipVersion 6). */
  ip6SrcOff = 0;
  ip6DstOff = 0;
  /** Final protocol / next header after IPv6 extension headers. */
  ipProto = -1;
  /** TTL or hop limit. */
  ipTtl = 0;
  /** True for any fragment (MF set or offset > 0; IPv6 Fragment header). */
  ipFragment = false;
  /** True for a fragment with offset > 0: it carries no transport header. */
  ipLaterFragment = false;

  // Transport.
  /** One of L4.*: which transport header was decoded. */
  l4: number = L4.NONE;
  srcPort = -1;
  dstPort = -1;
  /** TCP flags byte (TCP_FLAG bits). */
  tcpFlags = 0;
  /** ICMP or ICMPv6 type and code. */
  icmpType = -1;
  icmpCode = -1;
  /** Echo identifier and sequence (echo request/reply only), else -1. */
  icmpEchoId = -1;
  icmpEchoSeq = -1;
  /** ICMPv6 NS/NA: offset of the 16-byte target address in `buf`, 0 when absent. */
  ndTargetOff = 0;
  /** ICMPv6 NA flags byte (R 0x80, S 0x40, O 0x20), 0 otherwise. */
  ndFlags = 0;

  /** Clear every field before the next frame. Hot path: plain stores, no allocation. */
  reset(buf: Buffer): void {
    // A source hands frames in the same buffer for a whole chunk: the view changes with it.
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = viewOf(buf);
    }
    this.reason = -1;
    this.incomplete = false;
    this.hasLinkSrc = false;
    this.linkSrc = 0;
    this.linkDst = -1;
    this.vlan = -1;
    this.innerVlan = -1;
    this.vlanDepth = 0;
    this.etherType = 0;
    this.isArp = false;
    this.isRarp = false;
    this.arpHtype = 0;
    this.arpPtype = 0;
    this.arpHlen = 0;
    this.arpPlen = 0;
    this.arpOp = 0;
    this.arpShaOff = 0;
    this.arpSpaOff = 0;
    this.arpThaOff = 0;
    this.arpTpaOff = 0;
    this.arpSha = -1;
    this.arpSpa = -1;
    this.arpTpa = -1;
    this.arpTha = -1;
    this.ipVersion = 0;
    this.ip4Src = -1;
    this.ip4Dst = -1;
    this.ip6SrcOff = 0;
    this.ip6DstOff = 0;
    this.ipProto = -1;
    this.ipTtl = 0;
    this.ipFragment = false;
    this.ipLaterFragment = false;
    this.l4 = L4.NONE;
    this.srcPort = -1;
    this.dstPort = -1;
    this.tcpFlags = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.icmpEchoId = -1;
    this.icmpEchoSeq = -1;
    this.ndTargetOff = 0;
    this.ndFlags = 0;
  }
}

/**
 * Record why decoding stopped and return the negative code decoders pass up (tcpdump's
 * `nd_trunc`). No Error object: under a flood of garbage this is the hot path.
 */
export function stop(out: DecodedFrame, reason: DecodeReason): number {
  out.reason = REASON_INDEX[reason];
  return -1;
}
