// Live capture through Wireshark's dumpcap: its command line, whether it waits for packets, and its pcapng stream (draft-ietf-opsawg-pcapng) turned into netgap's capture records.

import { readFileSync } from 'node:fs';
import type { Frame } from '../../frame';
import { maxWireFrame, oversizeWirePackets } from './counters';
import { HELLO_LEN, PCAP_STATS_LEN, RECORD, RECORD_HLEN, STATS_LEN, writeRecordHeader } from './stream';
import type { RecordType } from './stream';
import type { InterfaceStatistics } from '../file/pcapng-options';
import { PcapngParser } from '../file/pcapng';
import type { TimeOut } from '../timestamp';
import { TickWatermark } from './watermark';

/*
 * Why dumpcap: cap always asks libpcap for immediate mode, which on Linux is TPACKET_V2, one ring
 * slot per packet sized for a 64 KiB frame when offloads are on, so the ring holds few packets and
 * overflows at any pause; dumpcap uses TPACKET_V3, whose blocks pack small frames, stamps each frame
 * in the kernel, and writes the kernel's drop counts into a statistics block when it stops
 * (figures: test/bench/README.md).
 */

/** The snapshot length asked of dumpcap: cap's, so that a frame always fits one capture record. */
export const DUMPCAP_SNAPLEN = 65535;

/**
 * How long after its kernel timestamp a frame may reach netgap through a dumpcap that keeps up:
 * libpcap's TPACKET_V3 hands a block of frames over when it is full or when its timer (dumpcap's
 * packet buffer timeout, 250 ms) expires, so a frame waits at most that long in the kernel. While
 * dumpcap waits for packets, a TICK vouches for the time this long ago, or through silence for
 * nearly now (watermark.ts); while it is busy (behind), only its frames move time on (see
 * `waitingForPackets`). A frame later than a tick is handled at the clock's time by the engine
 * (counted in its summary as ts_backwards). 150 ms over the block timeout, because the retire
 * timer's softirq and the receive backlog run late on a busy machine (dumpcap's own delays show as
 * not waiting).
 */
export const DUMPCAP_LATENCY_S = 0.4;

/** Wait after a counter sample before comparing it with the frames stamped until then (loss.ts). */
const SAMPLE_SETTLE_S = 0.1;

export interface DumpcapConfig {
  readonly device: string;
  /** The BPF program ('' for none). */
  readonly filter: string;
  /** libpcap's buffer, bytes (dumpcap takes MiB: rounded up). */
  readonly bufferBytes: number;
}

/** dumpcap's command line: one interface, pcapng on stdout, no per-packet counts on stderr. */
export function dumpcapArgs(c: DumpcapConfig): string[] {
  const mib = Math.max(1, Math.ceil(c.bufferBytes / (1024 * 1024)));
  const args = ['-i', c.device, '-n', '-w', '-', '-q', '-s', String(DUMPCAP_SNAPLEN), '-B', String(mib)];
  if (c.filter !== '') args.push('-f', c.filter);
  return args;
}

/**
 * Whether the capture process `pid` is asleep waiting for packets (in poll/select): then it has
 * written every frame the kernel handed it, and only the block still filling (DUMPCAP_LATENCY_S)
 * can hold earlier ones. False while it runs or waits for the CPU (it is behind: its ring holds
 * frames of any age), or sleeps on a full pipe. Linux /proc; where that is not readable (other
 * systems), true: the latency allowance alone then bounds it.
 */
export function waitingForPackets(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return true;
  }
  // The state follows the command name, which is in parentheses and may hold anything.
  if (stat[stat.lastIndexOf(')') + 2] !== 'S') return false;
  try {
    const wchan = readFileSync(`/proc/${pid}/wchan`, 'latin1');
    // Without the right to see it, the kernel shows 0: the state alone then says it.
    return wchan === '' || wchan === '0' || /poll|select/.test(wchan);
  } catch {
    return true;
  }
}

export interface DumpcapStreamOptions {
  /** The device, for errors. */
  readonly name: string;
  /** The interface's MTU (0 when unknown): longer frames stand for several wire packets in the counters. */
  readonly mtu: number;
  /** Reads the kernel's packet counters of the interface since the capture opened, -1 when not measured; null: never. */
  readonly kernelPackets: (() => number) | null;
  /** Seconds between counter samples. */
  readonly statsS: number;
  /** See DUMPCAP_LATENCY_S. */
  readonly latencyS: number;
  /** The live clock, epoch seconds (the HELLO's time). */
  readonly nowS: () => number;
}

const CHUNK_BYTES = 256 * 1024;
const NS_PER_S = 1e9;

/**
 * Turns one dumpcap's pcapng stream into the capture records the merge takes (stream.ts), so
 * that several interfaces, ticks, counter samples and the summary work for it as for a capture
 * process of netgap's own: HELLO when the interface description comes, FRAME for each packet with
 * its kernel timestamp, TICK when asked (the time no earlier frame can still come: see
 * DUMPCAP_LATENCY_S), STATS for counter samples, and PCAP_STATS for each statistics block.
 *
 * `push` parses what dumpcap wrote and hands the records to `out` at once; `out` must copy them
 * (the buffer is reused). Per frame: one header and one copy, nothing allocated.
 */
export class DumpcapStream {
  private readonly parser: PcapngParser;
  private buf: Buffer = Buffer.alloc(CHUNK_BYTES);
  private used = 0;
  private readonly stamp: TimeOut = { tsSec: 0, tsNsec: 0 };
  /** LINKTYPE_* from the interface description; -1 before it. */
  linkType = -1;
  /** Frames delivered. */
  frames = 0;
  /** Latest record stamp written, epoch seconds (records of a stream are in time order, late frames aside). */
  private lastS = -Infinity;
  private readonly maxFrame: number;
  private oversize = 0;
  private oversizePackets = 0;
  /** A counter sample waiting for the frames stamped until `sampleAt` (+ settle) to come; NaN when none. */
  private sampleAt = NaN;
  private sampleKernel = 0;
  private sampleSeen = -1;
  private lastSampleS = -Infinity;
  /** What each tick may vouch for. */
  readonly watermark: TickWatermark;
  /** The last statistics block, for the summary. */
  statistics: InterfaceStatistics | null = null;

  constructor(
    private readonly options: DumpcapStreamOptions,
    private readonly out: (records: Buffer) => void,
  ) {
    this.parser = new PcapngParser(options.name, (f) => this.frame(f));
    this.parser.onStatistics = (s) => this.isb(s);
    this.maxFrame = options.mtu > 0 ? maxWireFrame(options.mtu) : Infinity;
    this.watermark = new TickWatermark(options.latencyS);
  }

  /** Bytes dumpcap wrote. Throws the parser's InputError on a broken stream (after the records before it). */
  push(chunk: Buffer): void {
    try {
      this.parser.push(chunk);
      this.hello();
    } finally {
      this.flush();
    }
  }

  /** The stream ended (dumpcap exited): a block cut short is dropped, as a capture process's partial record is. */
  end(): void {
    this.flush();
  }

  /**
   * The supervisor's heartbeat: samples the counters when due, completes a sample whose frames
   * have all come, and writes a TICK for the time the watermark vouches for (never before a record
   * already written). `nowS`, `waiting`, `packets` and `readS` are what the tick saw, in that
   * order (TickWatermark.vouch); every frame dumpcap wrote until `waiting` was read must have
   * been pushed.
   */
  tick(nowS: number, waiting = true, packets = -1, readS = nowS): void {
    if (this.linkType < 0) return;
    const vouched = this.watermark.vouch(nowS, waiting, packets, readS);
    this.settle(vouched);
    if (Number.isNaN(this.sampleAt) && this.options.kernelPackets !== null && nowS - this.lastSampleS >= this.options.statsS) {
      this.lastSampleS = nowS;
      this.sampleKernel = this.options.kernelPackets();
      this.sampleAt = nowS;
      this.sampleSeen = -1;
    }
    if (vouched > this.lastS) {
      this.lastS = vouched;
      this.timeOf(vouched);
      this.reserve(RECORD.TICK, 0);
    }
    this.flush();
  }

  /** Hot path: one FRAME record per packet, stamped with the kernel's time. */
  private frame(f: Frame): void {
    if (this.linkType < 0) this.hello();
    const t = f.tsSec + f.tsNsec / NS_PER_S;
    if (t > this.sampleAt) this.settle(t);
    if (t > this.lastS) this.lastS = t;
    else if (t < this.lastS) this.watermark.late(t);
    const len = f.capLen;
    this.stamp.tsSec = f.tsSec;
    this.stamp.tsNsec = f.tsNsec;
    const at = this.reserve(RECORD.FRAME, len);
    f.buf.copy(this.buf, at, f.off, f.off + len);
    this.frames++;
    if (f.origLen > this.maxFrame) this.countOversize(f);
  }

  /** Rare path: a frame merged by offload stands for several wire packets in the counters. */
  private countOversize(f: Frame): void {
    this.oversize++;
    this.oversizePackets += oversizeWirePackets(f.buf.subarray(f.off, f.off + f.capLen), f.capLen, this.options.mtu);
  }

  /** Packets delivered so far, counting an offload-merged frame as the wire packets it carries. */
  private seen(): number {
    return this.frames - this.oversize + this.oversizePackets;
  }

  /**
   * Time has reached `t` in the stream (a frame stamped `t` comes, or a tick vouches for it): a
   * pending sample takes the frames stamped up to its time as `seen` (an upper bound of the loss),
   * and SAMPLE_SETTLE_S later the frames up to then as `seenAfter` (a lower bound): loss.ts.
   */
  private settle(t: number): void {
    if (Number.isNaN(this.sampleAt) || t <= this.sampleAt) return;
    if (this.sampleSeen < 0) this.sampleSeen = this.seen();
    const done = this.sampleAt + SAMPLE_SETTLE_S;
    if (t <= done) return;
    this.sampleAt = NaN;
    if (done > this.lastS) this.lastS = done;
    this.timeOf(Math.max(done, this.lastS));
    const at = this.reserve(RECORD.STATS, STATS_LEN);
    this.buf.writeDoubleLE(this.sampleKernel, at);
    this.buf.writeDoubleLE(this.sampleSeen, at + 8);
    this.buf.writeDoubleLE(this.seen(), at + 16);
    this.buf.writeDoubleLE(this.oversize, at + 24);
  }

  /** Rare: dumpcap's counters (at its end): a PCAP_STATS record with what it received and what was dropped. */
  private isb(s: InterfaceStatistics): void {
    this.statistics = s;
    if (this.linkType < 0) return;
    this.timeOf(this.lastS);
    const at = this.reserve(RECORD.PCAP_STATS, PCAP_STATS_LEN);
    this.buf.writeDoubleLE(this.frames, at);
    this.buf.writeDoubleLE(s.ifDrop < 0 && s.osDrop < 0 ? -1 : Math.max(0, s.ifDrop) + Math.max(0, s.osDrop), at + 8);
  }

  /** The first interface description has come: HELLO with its link type, before any frame. */
  private hello(): void {
    if (this.linkType >= 0 || this.parser.linkTypes.length === 0) return;
    this.linkType = this.parser.linkTypes[0]!;
    // The first frames may precede the moment their interface description is read by the latency.
    const now = this.options.nowS() - this.options.latencyS;
    this.lastS = now;
    this.timeOf(now);
    const at = this.reserve(RECORD.HELLO, HELLO_LEN);
    this.buf.writeUInt32LE(this.linkType, at);
    this.buf.writeUInt32LE(this.options.mtu, at + 4);
  }

  /** Sets `stamp` to `t` epoch seconds (ticks and samples; frames keep their own). */
  private timeOf(t: number): void {
    const sec = Math.floor(t);
    this.stamp.tsSec = sec;
    this.stamp.tsNsec = Math.min(NS_PER_S - 1, Math.round((t - sec) * NS_PER_S));
  }

  /** Writes a record header stamped `stamp`; returns where the payload goes. */
  private reserve(type: RecordType, len: number): number {
    if (this.used + RECORD_HLEN + len > this.buf.length) {
      this.flush();
      if (RECORD_HLEN + len > this.buf.length) this.buf = Buffer.alloc(RECORD_HLEN + len);
    }
    const at = this.used;
    writeRecordHeader(this.buf, at, this.stamp, type, len);
    this.used = at + RECORD_HLEN + len;
    return at + RECORD_HLEN;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.out(this.buf.subarray(0, this.used));
    this.used = 0;
  }
}
