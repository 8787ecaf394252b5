// The record stream from a capture process to `netgap live`: netgap's own framing, pcap-like 16-byte headers (tcpdump.org pcap-savefile).

import { writeSync } from 'node:fs';
import type { TimeOut } from './timestamp';

/**
 * Each record is a 16-byte little-endian header, then `len` payload bytes:
 *
 *     u32 tsSec   u32 tsNsec   u32 len   u16 type   u16 0
 *
 * The stamp of every record is taken from the one live clock when the record is made, so the
 * records of one stream are in time order and a TICK says "nothing stamped earlier will follow".
 * That is what lets the parent merge several interfaces in time order and advance the packet
 * clock through silence without ever running ahead of a frame still in the pipe.
 */
export const RECORD_HLEN = 16;

export const RECORD = {
  /** Payload: the frame as captured (cap gives no original length, so it equals the payload's). */
  FRAME: 1,
  /** No payload: time has reached the stamp. */
  TICK: 2,
  /** The first record. Payload: u32 LINKTYPE_*, u32 the interface's MTU (0 when unknown). */
  HELLO: 3,
  /** Interface counters sampled right after the capture ring was drained. Payload: STATS_FIELDS f64s. */
  STATS: 4,
} as const;
export type RecordType = (typeof RECORD)[keyof typeof RECORD];

export const HELLO_LEN = 8;

/** The STATS payload, in order: one f64 each. */
export const STATS_FIELDS = {
  /** Packets the kernel counted on the interface since the capture opened (rx + tx); -1 when not measurable. */
  KERNEL: 0,
  /** Frames cap delivered since the capture opened. */
  FRAMES: 1,
  /** Of those, frames longer than the MTU allows (GRO/LRO/TSO merged several wire packets into one). */
  OVERSIZE: 2,
  /** The wire packets those oversize frames are estimated to stand for (see live-counters.ts). */
  OVERSIZE_PACKETS: 3,
} as const;
export const STATS_LEN = 4 * 8;

/**
 * Records gather in one chunk, written with one writeSync when full, on `flush()` (after each
 * drain of the capture ring) and on ticks. A blocking write is what we want: when the analysis
 * falls behind, the capture process stops draining the ring and the kernel drops (and counts)
 * packets, instead of memory growing without bound.
 */
const WRITE_CHUNK_BYTES = 256 * 1024;

/** Writes records to a file descriptor (the capture process's stdout). */
export class RecordWriter {
  private readonly buf = Buffer.alloc(WRITE_CHUNK_BYTES);
  private used = 0;

  constructor(private readonly fd: number) {}

  /** Hot path: one header and one copy into the chunk; no allocation. `len` <= 65535 (cap's snaplen). */
  frame(t: TimeOut, src: Buffer, len: number): void {
    const at = this.reserve(RECORD.FRAME, t, len);
    src.copy(this.buf, at, 0, len);
  }

  tick(t: TimeOut): void {
    this.reserve(RECORD.TICK, t, 0);
  }

  hello(t: TimeOut, linkType: number, mtu: number): void {
    const at = this.reserve(RECORD.HELLO, t, HELLO_LEN);
    this.buf.writeUInt32LE(linkType, at);
    this.buf.writeUInt32LE(mtu, at + 4);
  }

  stats(t: TimeOut, kernel: number, frames: number, oversize: number, oversizePackets: number): void {
    const at = this.reserve(RECORD.STATS, t, STATS_LEN);
    this.buf.writeDoubleLE(kernel, at + 8 * STATS_FIELDS.KERNEL);
    this.buf.writeDoubleLE(frames, at + 8 * STATS_FIELDS.FRAMES);
    this.buf.writeDoubleLE(oversize, at + 8 * STATS_FIELDS.OVERSIZE);
    this.buf.writeDoubleLE(oversizePackets, at + 8 * STATS_FIELDS.OVERSIZE_PACKETS);
  }

  /** Writes what has gathered; throws the write's error (EPIPE: the parent is gone). */
  flush(): void {
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buf, done, this.used - done);
    this.used = 0;
  }

  /** Writes the header; returns where the payload goes. */
  private reserve(type: RecordType, t: TimeOut, len: number): number {
    if (this.used + RECORD_HLEN + len > this.buf.length) this.flush();
    const at = this.used;
    const buf = this.buf;
    buf.writeUInt32LE(t.tsSec, at);
    buf.writeUInt32LE(t.tsNsec, at + 4);
    buf.writeUInt32LE(len, at + 8);
    buf.writeUInt16LE(type, at + 12);
    buf.writeUInt16LE(0, at + 14);
    this.used = at + RECORD_HLEN + len;
    return at + RECORD_HLEN;
  }
}

/** What the parent tells a capture process (as JSON in argv[2]). */
export interface CaptureProcessConfig {
  /** The device to open, as given to `-i`. */
  readonly device: string;
  /** The BPF program's source; '' captures everything. */
  readonly filter: string;
  /** libpcap's buffer (the kernel ring on Linux), bytes. */
  readonly bufferBytes: number;
  /** The run's clock anchor (live-clock.ts): every process stamps on the same time line. */
  readonly anchor: { readonly sec: number; readonly nsec: number };
  /** Milliseconds between TICK records. */
  readonly tickMs: number;
  /** Milliseconds between STATS records. */
  readonly statsMs: number;
  /** Compare with the interface's kernel counters (false with a filter: the counters include what it rejects). */
  readonly countKernel: boolean;
  /** Become this user once the device is open (--user). */
  readonly runAs: { readonly name: string; readonly uid: number; readonly gid: number } | null;
}

/**
 * A capture process that cannot start writes one line `netgap-capture {"reason":..,"message":..}`
 * on stderr and exits with CAPTURE_FAILED_EXIT. The reasons are stable names.
 */
export const CAPTURE_ERROR_PREFIX = 'netgap-capture ';
export const CAPTURE_FAILED_EXIT = 2;
export type CaptureErrorReason = 'cap-missing' | 'permission' | 'no-device' | 'filter' | 'user' | 'open-failed';

export interface CaptureErrorLine {
  readonly reason: CaptureErrorReason;
  readonly message: string;
}
