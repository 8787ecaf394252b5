// The record stream from a capture process to `netgap live`: netgap's own framing, pcap-like 16-byte headers (tcpdump.org pcap-savefile).

import { write as fsWrite } from 'node:fs';
import type { TimeOut } from '../timestamp';

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
  /** The interface's counters against the packets delivered (loss.ts). Payload: STATS_FIELDS f64s. */
  STATS: 4,
  /**
   * The capture's own kernel counts (an engine that has them: dumpcap's Interface Statistics
   * Block, libpcap's pcap_stats). Payload: f64 packets delivered by this process, f64 packets
   * dropped (-1: not known), both since it opened the interface.
   */
  PCAP_STATS: 5,
} as const;
export type RecordType = (typeof RECORD)[keyof typeof RECORD];

/** Hot path: a record's header at `buf[at ..]`: its stamp, payload length and type (the layout above). */
export function writeRecordHeader(buf: Buffer, at: number, t: TimeOut, type: RecordType, len: number): void {
  buf.writeUInt32LE(t.tsSec, at);
  buf.writeUInt32LE(t.tsNsec, at + 4);
  buf.writeUInt32LE(len, at + 8);
  buf.writeUInt16LE(type, at + 12);
  buf.writeUInt16LE(0, at + 14);
}

export const HELLO_LEN = 8;

/**
 * The STATS payload, in order: one f64 each. "Delivered" counts wire packets: frames, with each
 * frame merged by offloads counted as the packets it is estimated to carry (counters.ts).
 */
export const STATS_FIELDS = {
  /** Packets the kernel counted on the interface since the capture opened (rx + tx); -1 when not measurable. */
  KERNEL: 0,
  /** Packets delivered when the counters were read (right after a drain of the ring). */
  SEEN: 1,
  /** Packets delivered once the ring had been drained again, at least one pause later. */
  SEEN_AFTER: 2,
  /** Frames longer than the MTU allows (GRO/LRO/TSO merged several wire packets into one), so far. */
  OVERSIZE: 3,
} as const;
export const STATS_LEN = 4 * 8;
export const PCAP_STATS_LEN = 2 * 8;

/** Records gather in chunks of this size; a full chunk waits in a queue for the parent. */
const CHUNK_BYTES = 256 * 1024;
/**
 * Records waiting for the parent, at most: 64 MiB, some 800 000 small frames, 8 s at 100 kpps.
 * The parent (the analysis) may pause for tens of milliseconds (a busy CPU, garbage collection);
 * frames wait here, packed, instead of in the kernel ring, whose slots are up to 128 KiB each.
 * Past this, frames are dropped here: the kernel counters then show them as lost, as they are.
 */
const QUEUE_BYTES = 64 * 1024 * 1024;
/** Emptied chunks kept for reuse (beyond them, the garbage collector takes them back). */
const SPARE_CHUNKS = 8;

/**
 * Writes records to a file descriptor (the capture process's stdout), without ever blocking the
 * capture: the chunk being filled is handed to a write on libuv's thread pool as soon as the
 * previous write has finished (or when full), and full chunks queue up to QUEUE_BYTES.
 */
export class RecordWriter {
  private chunk: Buffer = Buffer.alloc(CHUNK_BYTES);
  private used = 0;
  private readonly ready: Buffer[] = [];
  private readonly readyLen: number[] = [];
  private readonly spare: Buffer[] = [];
  /** Bytes in `ready` and in flight. */
  private queued = 0;
  private writing = false;
  private onIdle: (() => void) | null = null;

  constructor(
    private readonly fd: number,
    /** A write failed (EPIPE: the parent is gone). */
    private readonly onError: (err: Error) => void,
  ) {}

  /**
   * Hot path: one header and one copy into the chunk; no allocation but a new chunk now and then.
   * Returns false, writing nothing, when the queue is full. `len` <= 65535 (cap's snaplen).
   */
  frame(t: TimeOut, src: Buffer, len: number): boolean {
    if (this.used + RECORD_HLEN + len > CHUNK_BYTES && this.queued + CHUNK_BYTES > QUEUE_BYTES) return false;
    const at = this.reserve(RECORD.FRAME, t, len);
    src.copy(this.chunk, at, 0, len);
    return true;
  }

  tick(t: TimeOut): void {
    this.reserve(RECORD.TICK, t, 0);
  }

  hello(t: TimeOut, linkType: number, mtu: number): void {
    const at = this.reserve(RECORD.HELLO, t, HELLO_LEN);
    this.chunk.writeUInt32LE(linkType, at);
    this.chunk.writeUInt32LE(mtu, at + 4);
  }

  stats(t: TimeOut, kernel: number, seen: number, seenAfter: number, oversize: number): void {
    const at = this.reserve(RECORD.STATS, t, STATS_LEN);
    this.chunk.writeDoubleLE(kernel, at + 8 * STATS_FIELDS.KERNEL);
    this.chunk.writeDoubleLE(seen, at + 8 * STATS_FIELDS.SEEN);
    this.chunk.writeDoubleLE(seenAfter, at + 8 * STATS_FIELDS.SEEN_AFTER);
    this.chunk.writeDoubleLE(oversize, at + 8 * STATS_FIELDS.OVERSIZE);
  }

  /** Hands what has gathered to the parent now, unless a write is in flight (its end does it). */
  flush(): void {
    if (!this.writing && this.used > 0) this.rotate();
  }

  /** Calls `done` once everything written so far has reached the descriptor. */
  end(done: () => void): void {
    this.flush();
    if (!this.writing) done();
    else this.onIdle = done;
  }

  /** Writes the header; returns where the payload goes. Control records are never refused. */
  private reserve(type: RecordType, t: TimeOut, len: number): number {
    if (this.used + RECORD_HLEN + len > CHUNK_BYTES) this.rotate();
    const at = this.used;
    writeRecordHeader(this.chunk, at, t, type, len);
    this.used = at + RECORD_HLEN + len;
    return at + RECORD_HLEN;
  }

  /** The chunk being filled joins the queue; a spare (or new) one takes its place. */
  private rotate(): void {
    this.ready.push(this.chunk);
    this.readyLen.push(this.used);
    this.queued += this.used;
    this.chunk = this.spare.pop() ?? Buffer.alloc(CHUNK_BYTES);
    this.used = 0;
    this.next();
  }

  private next(): void {
    if (this.writing) return;
    const buf = this.ready.shift();
    if (buf === undefined) {
      const idle = this.onIdle;
      this.onIdle = null;
      idle?.();
      return;
    }
    this.writing = true;
    this.write(buf, 0, this.readyLen.shift()!);
  }

  private write(buf: Buffer, off: number, len: number): void {
    fsWrite(this.fd, buf, off, len - off, null, (err, n) => {
      if (err !== null) {
        this.onError(err);
        return;
      }
      if (off + n < len) {
        this.write(buf, off + n, len);
        return;
      }
      this.queued -= len;
      if (this.spare.length < SPARE_CHUNKS) this.spare.push(buf);
      this.writing = false;
      // What gathered meanwhile goes out now: latency is one write, whatever the load.
      if (this.ready.length === 0 && this.used > 0) this.rotate();
      else this.next();
    });
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
  /** The run's clock anchor (clock.ts): every process stamps on the same time line. */
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
