// Chunk-straddling core shared by the pcap and pcapng push parsers: units (headers, records, blocks) walked in place, split ones carried.

import type { InputProblem } from '../input-error';
import { InputError } from '../input-error';

/** Smallest carry buffer: most units fit, so it is allocated once and never grown. */
const CARRY_MIN = 64 * 1024;

/**
 * A push parser over length-prefixed units. `push()` chunks in file order, then `end()`.
 * The subclass walks the whole units of a chunk in place (its own plain loop: the hot path
 * makes no virtual call per unit); only a unit split across chunks is copied, into one reused
 * carry buffer, and completed here from the next chunks. Damage throws an `InputError` (from
 * `push` or `end`) after every earlier unit was handled; the parser then keeps throwing it.
 */
export abstract class ChunkedParser {
  /** Bytes pushed so far (the stream offset of the next byte). */
  bytes = 0;

  /**
   * The unit that straddles chunks: `carryNeed` bytes are wanted in total (0: no unit pending),
   * `carryLen` are there, the first at stream offset `carryStart`. `carryHasLen` says whether
   * the unit's header was read, so that carryNeed is the whole unit.
   */
  private carry: Buffer = Buffer.alloc(0);
  protected carryLen = 0;
  protected carryNeed: number;
  protected carryStart = 0;
  protected carryHasLen: boolean;
  private failure: InputError | null = null;

  /**
   * `firstNeed` and `firstHasLen` start a unit out pending, so that a format whose file header
   * must come first (pcap) always reads it from the carry; 0 means nothing is pending.
   */
  protected constructor(
    /** The input's name, for errors. */
    private readonly name: string,
    firstNeed: number,
    firstHasLen: boolean,
  ) {
    this.carryNeed = firstNeed;
    this.carryHasLen = firstHasLen;
  }

  /** Parses `chunk[start .. end)`; the chunk may be reused by the caller once this returns. */
  push(chunk: Buffer, start = 0, end = chunk.length): void {
    if (this.failure !== null) throw this.failure;
    const base = this.bytes - start; // stream offset of chunk[0]
    this.bytes += end - start;
    let off = start;
    if (this.carryNeed > 0) {
      off = this.fillCarry(chunk, off, end);
      if (this.carryNeed > 0) return; // the whole chunk went into the carry
    }
    off = this.walk(chunk, off, end, base);
    if (off < end) this.stash(chunk, off, end, base + off);
  }

  /** The input ended: a unit still pending was cut short, which is an error now. */
  end(): void {
    if (this.failure !== null) throw this.failure;
    if (this.bytes === 0) this.fail(0, { reason: 'empty-input' });
    if (this.carryNeed === 0) return;
    this.fail(this.carryStart, this.cutShortReason());
  }

  /**
   * Hot path: handles every whole unit in `buf[off .. end)` in place and returns the offset of
   * the first one that is not whole, with `carryHasLen` saying whether its header was read.
   * `base` is the stream offset of buf[0], for errors.
   */
  protected abstract walk(buf: Buffer, off: number, end: number, base: number): number;

  /**
   * carryNeed for the pending unit, `have` bytes of which are at hand: the whole unit when
   * `carryHasLen`, else as many bytes as its header needs before its length can be read.
   */
  protected abstract pendingNeed(have: number): number;

  /**
   * The carry holds `carryLen` header bytes, all that pendingNeed asked for: reads the unit's
   * length (checking it). Returns false when the header turned out to need more bytes first.
   */
  protected abstract readCarriedHeader(carry: Buffer): boolean;

  /** The carry holds the whole pending unit at carry[0 ..), from stream offset `carryStart`: acts on it. */
  protected abstract handleCarried(carry: Buffer): void;

  /** Why the input is damaged when it ends with the unit in the carry unfinished. */
  protected abstract cutShortReason(): InputProblem;

  protected fail(offset: number, problem: InputProblem): never {
    this.failure = new InputError(this.name, offset, problem);
    throw this.failure;
  }

  /** Keeps the unfinished unit at `buf[off .. end)` (walk read its header if carryHasLen). */
  private stash(buf: Buffer, off: number, end: number, at: number): void {
    const len = end - off;
    this.carryStart = at;
    this.carryNeed = this.pendingNeed(len);
    this.ensureCarry(this.carryNeed);
    buf.copy(this.carry, 0, off, end);
    this.carryLen = len;
  }

  /** Completes the pending unit from `chunk[off .. end)`; returns the offset after what it took. */
  private fillCarry(chunk: Buffer, off: number, end: number): number {
    for (;;) {
      this.ensureCarry(this.carryNeed);
      const take = Math.min(this.carryNeed - this.carryLen, end - off);
      chunk.copy(this.carry, this.carryLen, off, off + take);
      this.carryLen += take;
      off += take;
      if (this.carryLen < this.carryNeed) return off;
      if (!this.carryHasLen) {
        // The header is complete: now the unit's length is known (or its header is longer).
        this.carryHasLen = this.readCarriedHeader(this.carry);
        this.carryNeed = this.pendingNeed(this.carryLen);
        continue;
      }
      this.handleCarried(this.carry);
      this.carryNeed = 0;
      this.carryLen = 0;
      return off;
    }
  }

  private ensureCarry(size: number): void {
    if (this.carry.length >= size) return;
    // Rare: the first straddling unit, or a unit larger than any before (bounded by the
    // format's maximum length, checked when its header was read).
    const bigger = Buffer.allocUnsafe(Math.max(size, CARRY_MIN));
    this.carry.copy(bigger, 0, 0, this.carryLen);
    this.carry = bigger;
  }
}
