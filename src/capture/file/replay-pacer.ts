// Paces a capture replay (`netgap read --tui`) at N times real time on packet time, and reads its file only as fast as the replay needs.

import { open } from 'node:fs/promises';
import type { Frame, FrameSink } from '../../frame';
import { frameTimeS, newFrame } from '../../frame';

/** What the pacer drives: the engine's input (pipeline.ts EngineInput has this shape). */
export interface PacerTarget {
  readonly frame: FrameSink;
  tick(t: number): void;
}

/** File reads of a paced replay: small, so that the frames read ahead and waiting stay few. */
export const PACED_READ_BYTES = 64 * 1024;
/**
 * Frames read ahead of the replay clock are released in batches by one timer: never sooner than
 * this after the last batch (no timer per packet)...
 */
const MIN_BATCH_MS = 10;
/** ...and never later, so that the packet clock moves smoothly through a silence. */
const MAX_BATCH_MS = 100;
/** Numbers kept per staged frame (see ReplayPacer.fields). */
const FIELDS = 7;

/**
 * Paces a replay: packet time runs at `speed` times the wall clock from the first frame on. A
 * frame whose time has come goes straight to the engine; a frame ahead of the replay clock is
 * copied into a staging area, and the reader waits (`ready`) until a batch timer has released
 * every staged frame. Speed 0 stages nothing: frames go straight through, and only a pause waits.
 *
 * While a frame waits, the timer also ticks the engine up to the replay clock (never past that
 * frame), so a deadline that falls in a silence is raised at its time, as live. That fires the
 * same timers at the same packet times as reading the file straight through, so the alerts are the
 * same, except in a capture hole (the next frame more than `holeMinS` after the last): there an
 * alert raised by a timer must come after the hole is known, when its frame arrives, to carry
 * `capture_hole_s`. So no tick crosses a hole; `displayTime` lets the dashboard's clock run on.
 */
export class ReplayPacer {
  /** The reader's sink. */
  readonly frame: FrameSink;
  stopped = false;
  private paused = false;
  /** Replay clock origin: packet time of the first frame, and the wall time (ms) it mapped to. */
  private originT = NaN;
  private originWallMs = 0;
  /** Wall time spent paused, ms, and when the current pause began. */
  private pausedMs = 0;
  private pausedAt = 0;
  /** Frames up to this packet time may pass without waiting (the replay clock at the last check). */
  private horizon = -Infinity;
  /** The latest frame time handed to the engine: the packet clock's last frame, from which a hole is measured. */
  private lastFrameS = -Infinity;
  // The staging area: frame bytes back to back, and each frame's fields in parallel arrays.
  private bytes = Buffer.alloc(PACED_READ_BYTES * 2);
  private used = 0;
  private count = 0;
  private head = 0;
  private off = new Float64Array(1024);
  /** Per staged frame, FIELDS numbers: time (s), capLen, origLen, linkType, ifIndex, tsSec, tsNsec. */
  private fields = new Float64Array(1024 * FIELDS);
  private readonly out: Frame = newFrame();
  private timer: NodeJS.Timeout | null = null;
  private waiting: Array<() => void> = [];

  constructor(
    /** Times real time; 0 for as fast as possible. */
    readonly speed: number,
    private readonly input: PacerTarget,
    /** The engine's capture-hole length (`PacketClock.holeMinS`): no tick crosses a silence longer than this. */
    private readonly holeMinS: number,
    private readonly wallMs: () => number = () => performance.now(),
  ) {
    this.frame = speed === 0 ? input.frame : (f) => this.paced(f);
  }

  /** The packet time the replay has reached; +Infinity at full speed. */
  replayTime(): number {
    if (this.speed === 0) return Infinity;
    if (Number.isNaN(this.originT)) return -Infinity;
    const wall = this.paused ? this.pausedAt : this.wallMs();
    return this.originT + ((wall - this.originWallMs - this.pausedMs) * this.speed) / 1000;
  }

  /**
   * The packet time a dashboard may draw at: the replay clock while a frame waits for it (the
   * engine's clock stays at the last frame before a hole), never past that frame; -Infinity when
   * no frame waits, since the next one is not known yet.
   */
  displayTime(): number {
    return this.count > this.head ? Math.min(this.replayTime(), this.fields[this.head * FIELDS]!) : -Infinity;
  }

  /** Resolves when the reader may read on: nothing staged, not paused (or stopped). */
  ready(): Promise<void> {
    if (this.stopped || (!this.paused && this.count === 0)) {
      this.horizon = this.replayTime();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  pause(paused: boolean): void {
    if (paused === this.paused || this.stopped) return;
    if (paused) {
      this.pausedAt = this.wallMs();
      this.paused = true;
      return;
    }
    this.pausedMs += this.wallMs() - this.pausedAt;
    this.paused = false;
    if (this.count > 0) this.schedule(0);
    else this.wake();
  }

  /** The replay ends (completed, failed or unsubscribed): no more timers, and no reader left waiting. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.wake();
  }

  /** Hot path of a paced replay: one comparison for a frame whose time has come. */
  private paced(f: Frame): void {
    const t = frameTimeS(f);
    if (Number.isNaN(this.originT)) {
      this.originT = t;
      this.originWallMs = this.wallMs();
      this.horizon = t;
    }
    if (this.count === 0 && t <= this.horizon) {
      if (t > this.lastFrameS) this.lastFrameS = t;
      this.input.frame(f);
    } else {
      this.stage(f, t);
    }
  }

  /** A frame read ahead of the replay clock: copied (the reader reuses its buffer), with no allocation but the rare doubling of the area. */
  private stage(f: Frame, t: number): void {
    if (this.used + f.capLen > this.bytes.length) {
      const bigger = Buffer.alloc(Math.max(this.bytes.length * 2, this.used + f.capLen));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    if (this.count === this.off.length) {
      const off = new Float64Array(this.off.length * 2);
      off.set(this.off);
      this.off = off;
      const fields = new Float64Array(this.fields.length * 2);
      fields.set(this.fields);
      this.fields = fields;
    }
    f.buf.copy(this.bytes, this.used, f.off, f.off + f.capLen);
    const i = this.count++;
    this.off[i] = this.used;
    const k = i * FIELDS;
    this.fields[k] = t;
    this.fields[k + 1] = f.capLen;
    this.fields[k + 2] = f.origLen;
    this.fields[k + 3] = f.linkType;
    this.fields[k + 4] = f.ifIndex;
    this.fields[k + 5] = f.tsSec;
    this.fields[k + 6] = f.tsNsec;
    this.used += f.capLen;
    if (this.timer === null && !this.paused) this.schedule(this.delayMs(t));
  }

  private delayMs(t: number): number {
    const ms = ((t - this.replayTime()) * 1000) / this.speed;
    return Math.max(MIN_BATCH_MS, Math.min(MAX_BATCH_MS, ms));
  }

  private schedule(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.release();
    }, ms);
  }

  /** The batch timer: hands the engine every staged frame whose time has come, then ticks it up to the replay clock. */
  private release(): void {
    if (this.paused || this.stopped) return;
    const now = this.replayTime();
    const out = this.out;
    out.buf = this.bytes;
    while (this.head < this.count) {
      const k = this.head * FIELDS;
      const t = this.fields[k]!;
      if (t > now) break;
      if (t > this.lastFrameS) this.lastFrameS = t;
      out.off = this.off[this.head]!;
      out.capLen = this.fields[k + 1]!;
      out.origLen = this.fields[k + 2]!;
      out.linkType = this.fields[k + 3]!;
      out.ifIndex = this.fields[k + 4]!;
      out.tsSec = this.fields[k + 5]!;
      out.tsNsec = this.fields[k + 6]!;
      this.head++;
      this.input.frame(out);
      if (this.stopped) return;
    }
    if (this.head < this.count) {
      // The next frame is still ahead: time runs on to the replay clock, as silence does live,
      // unless that frame ends a capture hole (see the class comment).
      const next = this.fields[this.head * FIELDS]!;
      if (next - this.lastFrameS <= this.holeMinS) this.input.tick(now);
      this.schedule(this.delayMs(next));
      return;
    }
    this.used = this.count = this.head = 0;
    this.horizon = now;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/** Reads `file` in slices of `readBytes`, each read only once the pacer is ready for more. */
export async function* pacedSlices(file: string, pacer: ReplayPacer, readBytes: number): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  try {
    // One buffer for every read: the stream reader is done with a slice before it asks for the next.
    const buf = Buffer.allocUnsafe(readBytes);
    for (;;) {
      await pacer.ready();
      if (pacer.stopped) return;
      const { bytesRead } = await fh.read(buf, 0, readBytes, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}
