// Capture-file writers: classic pcap (tcpdump.org pcap-savefile / draft-ietf-opsawg-pcap) and pcapng (draft-ietf-opsawg-pcapng).

import * as fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { Frame } from '../../frame';

/** Where a writer's bytes go: a file descriptor the caller opened (and closes), or a Writable. */
export type CaptureTarget = number | Writable;

/** Timestamp resolution of a file (pcap magic) or of a pcapng interface (if_tsresol 6 or 9). */
export type TsResolution = 'us' | 'ns';

/** The snapshot length tcpdump and dumpcap write by default (MAXIMUM_SNAPLEN in libpcap). */
export const DEFAULT_SNAPLEN = 262144;

/**
 * Records are gathered in one chunk and handed over when it is full, on `flush()` and on `end()`:
 * one write per 64 KiB instead of one per frame, and no allocation per frame.
 */
const CHUNK_BYTES = 64 * 1024;

/** pcap magic numbers, written little-endian (pcap-savefile(5)). */
const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAP_FILE_HLEN = 24;
const PCAP_RECORD_HLEN = 16;

/** pcapng block types and the fixed sizes of the blocks written here (pcapng §4). */
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_IDB = 0x00000001;
const PCAPNG_EPB = 0x00000006;
/** SHB: type, length, magic, version 1.0, section length (-1 = unknown), length. */
const PCAPNG_SHB_LEN = 28;
/** IDB: type, length, link type, reserved, snaplen, if_tsresol option (4 + 1 padded to 4), opt_endofopt, length. */
const PCAPNG_IDB_LEN = 32;
/** EPB without its data: type, length, interface id, ts high, ts low, captured, original, length. */
const PCAPNG_EPB_FIXED = 32;
const PCAPNG_OPT_IF_TSRESOL = 9;

const TWO_POW_16 = 0x10000;
const TWO_POW_32 = 0x100000000;

/** Units per second for each resolution. */
function unitsPerSecond(res: TsResolution): number {
  return res === 'ns' ? 1e9 : 1e6;
}

/**
 * Both formats store seconds as (at least) 32-bit unsigned; a broken clock before 1970 or past
 * 2106 cannot be written. Rare and the caller's to handle, so it throws rather than counts.
 */
function checkSeconds(frame: Frame): void {
  if (frame.tsSec < 0 || frame.tsSec >= TWO_POW_32) {
    throw new RangeError(`frame timestamp ${frame.tsSec} s does not fit the 32-bit seconds of a capture file`);
  }
}

/**
 * The chunk both writers fill. An fd target gets `fs.writeSync` from the same chunk every time; a
 * Writable keeps the chunk it was given, so a fresh one is allocated per flush (rare).
 */
class ChunkedOutput {
  buf: Buffer;
  used = 0;

  constructor(private readonly target: CaptureTarget) {
    this.buf = Buffer.alloc(CHUNK_BYTES);
  }

  /** Make room for `len` more bytes; returns the offset to write them at. */
  reserve(len: number): number {
    if (this.used + len > this.buf.length) {
      this.flush();
      // A record larger than a whole chunk (a jumbo frame with a large snaplen): grow once.
      if (len > this.buf.length) this.buf = Buffer.alloc(len);
    }
    const at = this.used;
    this.used += len;
    return at;
  }

  flush(): void {
    if (this.used === 0) return;
    if (typeof this.target === 'number') {
      let done = 0;
      while (done < this.used) done += fs.writeSync(this.target, this.buf, done, this.used - done);
    } else {
      // No waiting on backpressure: a live capture cannot pause the wire, so the stream buffers.
      this.target.write(this.buf.subarray(0, this.used));
      this.buf = Buffer.alloc(this.buf.length);
    }
    this.used = 0;
  }

  /** Flush; a Writable is then ended and the promise settles when it has finished. An fd stays open. */
  end(): Promise<void> {
    this.flush();
    const target = this.target;
    if (typeof target === 'number') return Promise.resolve();
    return new Promise((resolve, reject) => {
      target.once('error', reject);
      target.end(() => resolve());
    });
  }
}

export interface PcapWriterOptions {
  /** LINKTYPE_* of every frame in the file. */
  linkType: number;
  /** Snapshot length; longer frames are cut to it (their original length is kept). */
  snapLen?: number;
  /** 'us' writes the classic magic, 'ns' the nanosecond one (0xa1b23c4d). Default 'us'. */
  tsResolution?: TsResolution;
}

/** Writes a little-endian pcap file: the 24-byte file header, then one record per `write`. */
export class PcapWriter {
  private readonly out: ChunkedOutput;
  private readonly linkType: number;
  private readonly snapLen: number;
  private readonly nanosecond: boolean;

  constructor(target: CaptureTarget, options: PcapWriterOptions) {
    this.out = new ChunkedOutput(target);
    this.linkType = options.linkType;
    this.snapLen = options.snapLen ?? DEFAULT_SNAPLEN;
    this.nanosecond = (options.tsResolution ?? 'us') === 'ns';
    const at = this.out.reserve(PCAP_FILE_HLEN);
    const buf = this.out.buf;
    buf.writeUInt32LE(this.nanosecond ? PCAP_MAGIC_NS : PCAP_MAGIC_US, at);
    buf.writeUInt16LE(2, at + 4); // version 2.4
    buf.writeUInt16LE(4, at + 6);
    buf.writeInt32LE(0, at + 8); // thiszone: timestamps are UTC
    buf.writeUInt32LE(0, at + 12); // sigfigs: always 0 in practice
    buf.writeUInt32LE(this.snapLen, at + 16);
    buf.writeUInt32LE(this.linkType, at + 20);
  }

  /** Append one record: `frame.buf[off .. off + capLen)` cut to the snaplen. Hot path: no allocation. */
  write(frame: Frame): void {
    if (frame.linkType !== this.linkType) {
      throw new RangeError(`frame link type ${frame.linkType} in a pcap file of link type ${this.linkType}`);
    }
    checkSeconds(frame);
    const capLen = Math.min(frame.capLen, this.snapLen);
    const at = this.out.reserve(PCAP_RECORD_HLEN + capLen);
    const buf = this.out.buf;
    buf.writeUInt32LE(frame.tsSec, at);
    buf.writeUInt32LE(this.nanosecond ? frame.tsNsec : Math.floor(frame.tsNsec / 1000), at + 4);
    buf.writeUInt32LE(capLen, at + 8);
    buf.writeUInt32LE(frame.origLen, at + 12);
    frame.buf.copy(buf, at + PCAP_RECORD_HLEN, frame.off, frame.off + capLen);
  }

  /** Hand the gathered records to the target now (an fd is written synchronously). */
  flush(): void {
    this.out.flush();
  }

  /** Flush and, for a Writable, end it. */
  end(): Promise<void> {
    return this.out.end();
  }
}

/** One pcapng Interface Description Block; a frame's `ifIndex` is its position in the list. */
export interface PcapngInterface {
  /** LINKTYPE_* of this interface's frames. */
  linkType: number;
  /** Snapshot length; longer frames are cut to it. 0 means no limit (pcapng §4.2). */
  snapLen?: number;
  /** Written as if_tsresol 6 ('us') or 9 ('ns'). Default 'us'. */
  tsResolution?: TsResolution;
}

/** Writes a little-endian pcapng file: one SHB, one IDB per interface, then one EPB per `write`. */
export class PcapngWriter {
  private readonly out: ChunkedOutput;
  private readonly linkTypes: number[];
  private readonly snapLens: number[];
  private readonly units: number[];

  constructor(target: CaptureTarget, interfaces: readonly PcapngInterface[]) {
    if (interfaces.length === 0) throw new RangeError('a pcapng file needs at least one interface');
    this.out = new ChunkedOutput(target);
    this.linkTypes = interfaces.map((i) => i.linkType);
    this.snapLens = interfaces.map((i) => i.snapLen ?? DEFAULT_SNAPLEN);
    this.units = interfaces.map((i) => unitsPerSecond(i.tsResolution ?? 'us'));

    let at = this.out.reserve(PCAPNG_SHB_LEN);
    let buf = this.out.buf;
    buf.writeUInt32LE(PCAPNG_SHB, at);
    buf.writeUInt32LE(PCAPNG_SHB_LEN, at + 4);
    buf.writeUInt32LE(PCAPNG_BYTE_ORDER_MAGIC, at + 8);
    buf.writeUInt16LE(1, at + 12); // version 1.0
    buf.writeUInt16LE(0, at + 14);
    // Section length -1: "not specified", the value every streaming writer uses.
    buf.writeInt32LE(-1, at + 16);
    buf.writeInt32LE(-1, at + 20);
    buf.writeUInt32LE(PCAPNG_SHB_LEN, at + 24);

    for (let i = 0; i < interfaces.length; i++) {
      at = this.out.reserve(PCAPNG_IDB_LEN);
      buf = this.out.buf; // reserve() may have flushed into a fresh chunk
      buf.writeUInt32LE(PCAPNG_IDB, at);
      buf.writeUInt32LE(PCAPNG_IDB_LEN, at + 4);
      buf.writeUInt16LE(this.linkTypes[i]!, at + 8);
      buf.writeUInt16LE(0, at + 10); // reserved
      buf.writeUInt32LE(this.snapLens[i]!, at + 12);
      // Always written, even for the default 6, so that a reader need not know the default.
      buf.writeUInt16LE(PCAPNG_OPT_IF_TSRESOL, at + 16);
      buf.writeUInt16LE(1, at + 18);
      buf.writeUInt32LE(this.units[i] === 1e9 ? 9 : 6, at + 20); // value byte, then 3 zero pad bytes
      buf.writeUInt32LE(0, at + 24); // opt_endofopt
      buf.writeUInt32LE(PCAPNG_IDB_LEN, at + 28);
    }
  }

  /** Append one EPB on interface `frame.ifIndex`, data cut to its snaplen. Hot path: no allocation. */
  write(frame: Frame): void {
    const ifIndex = frame.ifIndex;
    const linkType = this.linkTypes[ifIndex];
    if (linkType !== frame.linkType) {
      throw new RangeError(
        linkType === undefined
          ? `frame on interface ${ifIndex}, but the file has ${this.linkTypes.length}`
          : `frame link type ${frame.linkType} on interface ${ifIndex} of link type ${linkType}`,
      );
    }
    checkSeconds(frame);
    const snapLen = this.snapLens[ifIndex]!;
    const capLen = snapLen === 0 ? frame.capLen : Math.min(frame.capLen, snapLen);
    const padded = (capLen + 3) & ~3;
    const blockLen = PCAPNG_EPB_FIXED + padded;
    const at = this.out.reserve(blockLen);
    const buf = this.out.buf;
    buf.writeUInt32LE(PCAPNG_EPB, at);
    buf.writeUInt32LE(blockLen, at + 4);
    buf.writeUInt32LE(ifIndex, at + 8);
    writeTimestamp64(buf, at + 12, frame, this.units[ifIndex]!);
    buf.writeUInt32LE(capLen, at + 20);
    buf.writeUInt32LE(frame.origLen, at + 24);
    frame.buf.copy(buf, at + 28, frame.off, frame.off + capLen);
    // A reused chunk holds old bytes: zero the padding so that output is reproducible.
    buf.fill(0, at + 28 + capLen, at + 28 + padded);
    buf.writeUInt32LE(blockLen, at + 28 + padded);
  }

  /** Hand the gathered blocks to the target now (an fd is written synchronously). */
  flush(): void {
    this.out.flush();
  }

  /** Flush and, for a Writable, end it. */
  end(): Promise<void> {
    return this.out.end();
  }
}

/**
 * Write the EPB timestamp (units since the epoch) as high then low 32-bit words. Units reach
 * ~1.8e18 for nanoseconds, past 2^53, so the product is built from 16-bit halves of the seconds,
 * each partial result below 2^53 and therefore exact. Plain numbers: a BigInt would allocate.
 */
function writeTimestamp64(buf: Buffer, at: number, frame: Frame, units: number): void {
  const fraction = units === 1e9 ? frame.tsNsec : Math.floor(frame.tsNsec / 1000);
  const secHi = Math.floor(frame.tsSec / TWO_POW_16); // < 2^16
  const secLo = frame.tsSec % TWO_POW_16;
  const upper = secHi * units; // < 2^46: this term is scaled by 2^16
  const lower = secLo * units + fraction; // < 2^47
  const low = (upper % TWO_POW_16) * TWO_POW_16 + lower; // < 2^48
  const high = Math.floor(upper / TWO_POW_16) + Math.floor(low / TWO_POW_32);
  buf.writeUInt32LE(high, at);
  buf.writeUInt32LE(low % TWO_POW_32, at + 4);
}
