// Merges the record streams of the capture processes (stream.ts) into one time-ordered run of frames and ticks: a k-way merge on the stamps.

import type { Frame, FrameSink } from '../../frame';
import { newFrame } from '../../frame';
import type { RecordType } from './stream';
import { HELLO_LEN, PCAP_STATS_LEN, RECORD, RECORD_HLEN, STATS_FIELDS, STATS_LEN } from './stream';

/** What the merge hands on, in time order. */
export interface MergeHandlers {
  /** Hot path: a frame (the one reused Frame, pointing into the stream's buffer; do not keep it). */
  readonly frame: FrameSink;
  /** Every stream has vouched for `t` (epoch seconds): no frame stamped earlier will follow. */
  tick(t: number): void;
  /** A capture process has opened its interface. */
  hello(stream: number, t: number, linkType: number, mtu: number): void;
  /** A counter sample (stream.ts STATS_FIELDS). */
  stats(stream: number, t: number, kernel: number, seen: number, seenAfter: number, oversize: number): void;
  /** The capture's own kernel counts (stream.ts PCAP_STATS). */
  pcapStats(stream: number, t: number, delivered: number, dropped: number): void;
}

const INITIAL_BYTES = 256 * 1024;
/** The largest record a capture process writes: cap's 65535-byte frames. Anything larger is a broken stream. */
const MAX_RECORD_LEN = 65535;
/**
 * Bytes held back, over all streams, waiting for a slow stream's stamps. Past this the merge
 * releases in stamp order without waiting, so a stuck process cannot make memory grow.
 */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

const NS_PER_S = 1e9;

class Stream {
  buf: Buffer = Buffer.alloc(INITIAL_BYTES);
  start = 0;
  end = 0;
  /** The complete record at `start`: its type (0: none complete yet), payload length and stamp. */
  headType = 0;
  headLen = 0;
  headTs = 0;
  /** The latest stamp of a released record: this stream will send nothing earlier. -Infinity before its first record. */
  watermark = -Infinity;
  /** A capture process is writing into this stream. */
  open = false;
  /** It has not vouched for any time lately: the merge stops waiting for it (see checkStalls). */
  stalled = false;
  linkType = 0;
  /** Frames released from this stream, and the stamp of the latest one (NaN before the first). */
  frames = 0;
  lastFrameS = NaN;

  /** Does the next record lie complete in the buffer? Reads its header if so. */
  parseHead(): void {
    this.headType = 0;
    const avail = this.end - this.start;
    if (avail < RECORD_HLEN) return;
    const at = this.start;
    // The header lies inside [start, end), checked just above.
    const len = this.buf.readUInt32LE(at + 8);
    const type = this.buf.readUInt16LE(at + 12);
    if (len > MAX_RECORD_LEN || type < RECORD.FRAME || type > RECORD.PCAP_STATS) {
      throw new Error(`capture stream broken: record type ${type}, length ${len}`);
    }
    if (avail < RECORD_HLEN + len) return;
    this.headType = type;
    this.headLen = len;
    this.headTs = this.buf.readUInt32LE(at) + this.buf.readUInt32LE(at + 4) / NS_PER_S;
  }

  append(chunk: Buffer): void {
    if (this.start === this.end) this.start = this.end = 0;
    if (this.buf.length - this.end < chunk.length) {
      // Released records are no longer referenced (sinks do not keep frames): move the rest down.
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      if (this.buf.length - this.end < chunk.length) {
        const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.end + chunk.length));
        this.buf.copy(grown, 0, 0, this.end);
        this.buf = grown;
      }
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  /** Drops a record cut off by the death of its process, so that a new process's records follow whole ones. */
  dropPartialTail(): void {
    let at = this.start;
    while (this.end - at >= RECORD_HLEN) {
      const next = at + RECORD_HLEN + this.buf.readUInt32LE(at + 8);
      if (next > this.end) break;
      at = next;
    }
    this.end = at;
  }
}

/**
 * Each stream is in stamp order by construction (one clock, stamped as written), so merging is
 * choosing, again and again, the stream whose next record is earliest, as long as no open stream
 * could still send something earlier: a stream with no complete record waiting bounds the merge
 * at its watermark, which its TICK records move forward ten times a second. A TICK released from
 * the merge is therefore a time every stream has passed, and is handed on as `tick`.
 *
 * With one interface this is a walk over the records in place. Per record: a scan of the k
 * streams, plain reads of the header, one reused Frame; nothing allocated.
 */
export class LiveMerge {
  private readonly streams: Stream[] = [];
  private readonly frame: Frame = newFrame();
  private handlers: MergeHandlers | null = null;
  private pending = 0;
  /** Frames still to release before halting (--count), Infinity for no limit. */
  private remaining = Infinity;
  private stopped = false;

  constructor(streams: number) {
    for (let i = 0; i < streams; i++) this.streams.push(new Stream());
  }

  /** Starts releasing records to `handlers` (records that came before are held until then). */
  attach(handlers: MergeHandlers, maxFrames = Infinity): void {
    this.handlers = handlers;
    this.remaining = maxFrames;
    this.pump();
  }

  /** A capture process starts writing into stream `i` (again, after a restart). */
  open(i: number): void {
    const s = this.streams[i]!;
    s.open = true;
    s.stalled = false;
    // A restarted process bounds the merge only from its first record on: until then it may
    // still fail to open the interface, and the others must not wait for it.
    s.watermark = -Infinity;
  }

  /** Bytes from stream i's process, in order. */
  push(i: number, chunk: Buffer): void {
    const s = this.streams[i]!;
    s.append(chunk);
    this.pending += chunk.length;
    if (s.headType === 0) s.parseHead();
    this.pump();
  }

  /** Stream i's process has exited: what it wrote completely is still merged, then it no longer holds the others back. */
  close(i: number): void {
    const s = this.streams[i]!;
    s.open = false;
    const before = s.end;
    s.dropPartialTail();
    this.pending -= before - s.end;
    this.pump();
  }

  /**
   * Streams that are open but have vouched for nothing newer than `staleS` seconds before `nowS`
   * (a stopped or starved process) stop bounding the merge; their later records are released
   * when they come, late. Called from the parent's heartbeat.
   */
  checkStalls(nowS: number, staleS: number): void {
    for (const s of this.streams) s.stalled = s.open && s.headType === 0 && s.watermark > -Infinity && nowS - s.watermark > staleS;
    this.pump();
  }

  /** Stops releasing anything (after --count frames, or at the end). */
  halt(): void {
    this.stopped = true;
  }

  /** True once halted, by halt() or because --count frames were released. */
  get halted(): boolean {
    return this.stopped;
  }

  /** The HELLO waiting at the head of stream i (before attach()), or null. */
  helloOf(i: number): { linkType: number; mtu: number } | null {
    const s = this.streams[i]!;
    if (s.headType !== RECORD.HELLO || s.headLen < HELLO_LEN) return null;
    const body = s.start + RECORD_HLEN;
    return { linkType: s.buf.readUInt32LE(body), mtu: s.buf.readUInt32LE(body + 4) };
  }

  framesOf(i: number): number {
    return this.streams[i]!.frames;
  }

  lastFrameOf(i: number): number {
    return this.streams[i]!.lastFrameS;
  }

  watermarkOf(i: number): number {
    return this.streams[i]!.watermark;
  }

  private pump(): void {
    const h = this.handlers;
    if (h === null) return;
    const streams = this.streams;
    while (!this.stopped) {
      let best: Stream | null = null;
      let bestIndex = -1;
      let bound = Infinity;
      for (let i = 0; i < streams.length; i++) {
        const s = streams[i]!;
        if (s.headType !== 0) {
          if (best === null || s.headTs < best.headTs) {
            best = s;
            bestIndex = i;
          }
        } else if (s.open && !s.stalled && s.watermark > -Infinity && s.watermark < bound) {
          bound = s.watermark;
        }
      }
      if (best === null) return;
      if (best.headTs > bound && this.pending <= MAX_PENDING_BYTES) return;
      this.release(best, bestIndex, h);
    }
  }

  /** Hands on the head record of stream `s` and reads the next header. */
  private release(s: Stream, i: number, h: MergeHandlers): void {
    const at = s.start;
    const type = s.headType as RecordType;
    const len = s.headLen;
    const ts = s.headTs;
    const buf = s.buf;
    s.start = at + RECORD_HLEN + len;
    this.pending -= RECORD_HLEN + len;
    if (ts > s.watermark) s.watermark = ts;
    const body = at + RECORD_HLEN;
    switch (type) {
      case RECORD.FRAME: {
        const f = this.frame;
        f.buf = buf;
        f.off = body;
        f.capLen = len;
        f.origLen = len;
        f.linkType = s.linkType;
        f.ifIndex = i;
        f.tsSec = buf.readUInt32LE(at);
        f.tsNsec = buf.readUInt32LE(at + 4);
        s.frames++;
        s.lastFrameS = ts;
        h.frame(f);
        if (--this.remaining <= 0) this.stopped = true;
        break;
      }
      case RECORD.TICK:
        h.tick(ts);
        break;
      case RECORD.HELLO:
        if (len >= HELLO_LEN) {
          s.linkType = buf.readUInt32LE(body);
          h.hello(i, ts, s.linkType, buf.readUInt32LE(body + 4));
        }
        break;
      case RECORD.STATS:
        if (len >= STATS_LEN) {
          h.stats(
            i,
            ts,
            buf.readDoubleLE(body + 8 * STATS_FIELDS.KERNEL),
            buf.readDoubleLE(body + 8 * STATS_FIELDS.SEEN),
            buf.readDoubleLE(body + 8 * STATS_FIELDS.SEEN_AFTER),
            buf.readDoubleLE(body + 8 * STATS_FIELDS.OVERSIZE),
          );
        }
        break;
      case RECORD.PCAP_STATS:
        if (len >= PCAP_STATS_LEN) h.pcapStats(i, ts, buf.readDoubleLE(body), buf.readDoubleLE(body + 8));
        break;
    }
    s.parseHead();
  }
}
