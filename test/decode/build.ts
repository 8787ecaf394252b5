// Test helper: crafted frames, byte by byte, and the truncation-point check every decoder test uses.

import { expect } from 'vitest';
import type { Frame } from '../../src/frame';
import { newFrame } from '../../src/frame';
import type { DecodeReason } from '../../src/decode/decoded-frame';
import { DECODE_REASONS, DecodedFrame } from '../../src/decode/decoded-frame';
import type { Decoder } from '../../src/decode/link';
import { decodeFrame } from '../../src/decode/link';

type Bytes = Buffer | readonly number[];

export function bytes(...parts: Bytes[]): Buffer {
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
}

export function u16(value: number): number[] {
  return [(value >> 8) & 0xff, value & 0xff];
}

export function u32(value: number): number[] {
  return [...u16(Math.floor(value / 0x10000)), ...u16(value & 0xffff)];
}

/** "02:00:5e:00:00:01" -> 6 octets. */
export function mac(text: string): number[] {
  return text.split(':').map((h) => parseInt(h, 16));
}

/** "02:00:5e:00:00:01" -> the 48-bit number DecodedFrame holds. */
export function macNumber(text: string): number {
  return mac(text).reduce((n, b) => n * 256 + b, 0);
}

/** "192.0.2.1" -> 4 octets. */
export function ip4(text: string): number[] {
  return text.split('.').map(Number);
}

/** "192.0.2.1" -> the uint32 DecodedFrame holds. */
export function ip4Number(text: string): number {
  return ip4(text).reduce((n, b) => n * 256 + b, 0);
}

/** A 16-octet IPv6 address whose last octet is `last` (2001:db8::last). */
export function ip6(last: number): number[] {
  return [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), last];
}

export const MAC_A = '02:00:00:00:00:0a';
export const MAC_B = '02:00:00:00:00:0b';
export const BROADCAST = 'ff:ff:ff:ff:ff:ff';

export function ethernet(type: number, payload: Bytes, dst = MAC_B, src = MAC_A): Buffer {
  return bytes(mac(dst), mac(src), u16(type), payload);
}

/** One 802.1Q tag as it follows a TPID: TCI (PCP 3, DEI 0, VID) + the wrapped EtherType. */
export function vlanTag(vid: number, type: number): number[] {
  return [...u16((3 << 13) | vid), ...u16(type)];
}

export interface ArpFields {
  htype?: number;
  ptype?: number;
  hlen?: number;
  plen?: number;
  op: number;
  sha?: number[];
  spa?: number[];
  tha?: number[];
  tpa?: number[];
}

export function arp(f: ArpFields): Buffer {
  const sha = f.sha ?? mac(MAC_A);
  const spa = f.spa ?? ip4('192.0.2.10');
  const tha = f.tha ?? mac('00:00:00:00:00:00');
  const tpa = f.tpa ?? ip4('192.0.2.11');
  return bytes(u16(f.htype ?? 1), u16(f.ptype ?? 0x0800), [f.hlen ?? sha.length, f.plen ?? spa.length], u16(f.op), sha, spa, tha, tpa);
}

export interface Ipv4Fields {
  proto: number;
  payload?: Bytes;
  src?: string;
  dst?: string;
  ttl?: number;
  /** Options, a multiple of 4 octets. */
  options?: Bytes;
  /** Flags (MF 0x2000) and fragment offset, as one word. */
  flagsOffset?: number;
  /** Overrides the computed total length. */
  totalLength?: number;
  /** Overrides the computed IHL. */
  ihl?: number;
  version?: number;
}

export function ipv4(f: Ipv4Fields): Buffer {
  const options = bytes(f.options ?? []);
  const payload = bytes(f.payload ?? []);
  const hlen = 20 + options.length;
  return bytes(
    [((f.version ?? 4) << 4) | (f.ihl ?? hlen / 4), 0],
    u16(f.totalLength ?? hlen + payload.length),
    u16(0x1234),
    u16(f.flagsOffset ?? 0),
    [f.ttl ?? 64, f.proto],
    u16(0),
    ip4(f.src ?? '192.0.2.1'),
    ip4(f.dst ?? '192.0.2.2'),
    options,
    payload,
  );
}

export interface Ipv6Fields {
  next: number;
  /** Extension headers and transport, as they follow the fixed header. */
  payload?: Bytes;
  hopLimit?: number;
  payloadLength?: number;
  version?: number;
}

export function ipv6(f: Ipv6Fields): Buffer {
  const payload = bytes(f.payload ?? []);
  return bytes([(f.version ?? 6) << 4, 0, 0, 0], u16(f.payloadLength ?? payload.length), [f.next, f.hopLimit ?? 255], ip6(1), ip6(2), payload);
}

export function tcp(srcPort: number, dstPort: number, flags: number, dataOffset = 5): Buffer {
  const options = new Array<number>(Math.max(0, dataOffset - 5) * 4).fill(1); // NOPs
  return bytes(u16(srcPort), u16(dstPort), u32(1000), u32(0), [dataOffset << 4, flags], u16(65535), u16(0), u16(0), options);
}

export function udp(srcPort: number, dstPort: number, payload: Bytes = []): Buffer {
  const body = bytes(payload);
  return bytes(u16(srcPort), u16(dstPort), u16(8 + body.length), u16(0), body);
}

/** Any ICMP or ICMPv6 message: type, code, checksum, then the rest. */
export function icmp(type: number, code: number, rest: Bytes = []): Buffer {
  return bytes([type, code], u16(0), rest);
}

export function echo(type: number, id: number, seq: number): Buffer {
  return icmp(type, 0, bytes(u16(id), u16(seq), [0x61, 0x62]));
}

/** A Frame over `buf`, captured whole unless `origLen` says the wire frame was longer. */
export function frameOf(linkType: number, buf: Buffer, origLen = buf.length): Frame {
  const frame = newFrame();
  frame.buf = buf;
  frame.capLen = buf.length;
  frame.origLen = origLen;
  frame.linkType = linkType;
  return frame;
}

export function decodeBytes(linkType: number, buf: Buffer, origLen = buf.length): DecodedFrame {
  const out = new DecodedFrame();
  decodeFrame(frameOf(linkType, buf, origLen), out);
  return out;
}

/** Run one decoder over `buf[0 .. end)` into a fresh object; `prepare` sets what the caller would have. */
export function run(decoder: Decoder, buf: Buffer, end = buf.length, prepare?: (out: DecodedFrame) => void): { next: number; out: DecodedFrame } {
  const out = new DecodedFrame();
  out.reset(buf);
  prepare?.(out);
  const next = decoder(buf, 0, end, out);
  return { next, out };
}

export function reasonOf(out: DecodedFrame): DecodeReason | undefined {
  return DECODE_REASONS[out.reason];
}

/**
 * etherparse's loop: for every length from 0 to `headerLen - 1`, the decoder returns a negative
 * code, records `reason`, and changes nothing else in the object. Each cut is a copy exactly that
 * long, so a read past `end` would throw or show up as a changed field.
 */
export function expectTruncatedAtEveryLength(
  decoder: Decoder,
  buf: Buffer,
  headerLen: number,
  reason: DecodeReason,
  prepare?: (out: DecodedFrame) => void,
): void {
  for (let len = 0; len < headerLen; len++) {
    const cut = Buffer.from(buf.subarray(0, len));
    const expected = new DecodedFrame();
    expected.reset(cut);
    prepare?.(expected);
    const { next, out } = run(decoder, cut, len, prepare);
    expected.reason = out.reason;
    expect(next, `length ${len}`).toBeLessThan(0);
    expect(reasonOf(out), `length ${len}`).toBe(reason);
    expect(out, `length ${len}`).toEqual(expected);
  }
}

/** SLL v1: packet type, ARPHRD_ type, address length, 8 address octets (zero-padded), protocol. */
export function sll(protocol: number, payload: Bytes, address: readonly number[] = mac(MAC_A), arphrd = 1): Buffer {
  const padded = [...address, ...new Array<number>(Math.max(0, 8 - address.length)).fill(0)].slice(0, 8);
  return bytes(u16(0), u16(arphrd), u16(address.length), padded, u16(protocol), payload);
}

/** SLL v2: protocol, reserved, interface index, ARPHRD_ type, packet type, address length, 8 address octets. */
export function sll2(protocol: number, payload: Bytes, address: readonly number[] = mac(MAC_A), arphrd = 1): Buffer {
  const padded = [...address, ...new Array<number>(Math.max(0, 8 - address.length)).fill(0)].slice(0, 8);
  return bytes(u16(protocol), u16(0), u32(2), u16(arphrd), [0, address.length], padded, payload);
}
