// Builds pcapng files block by block for the reader's tests (draft-ietf-opsawg-pcapng §3-4, appendix A).

/** Block types, as the tests name them. */
export const BT = {
  SHB: 0x0a0d0d0a,
  IDB: 1,
  PB: 2,
  SPB: 3,
  NRB: 4,
  ISB: 5,
  EPB: 6,
  DSB: 0x0a,
  CB: 0xbad,
  CB_NOCOPY: 0x40000bad,
} as const;

export interface IdbOptions {
  /** if_tsresol byte (high bit: power of 2). */
  tsresol?: number;
  /** if_tsoffset, seconds. */
  tsoffset?: bigint;
  /** Extra raw options (code, value) written before the others. */
  raw?: Array<[number, Buffer]>;
  /** Leave out opt_endofopt. */
  noEnd?: boolean;
}

export interface ShbOptions {
  /** Byte order of this section and the blocks after it (default: the builder's current one). */
  le?: boolean;
  major?: number;
  minor?: number;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Appends blocks in the current section's byte order; `build()` joins them. */
export class PcapngBuilder {
  private readonly parts: Buffer[] = [];
  private le: boolean;

  constructor(le = true) {
    this.le = le;
  }

  /** Offset the next block will start at. */
  get size(): number {
    return this.parts.reduce((n, b) => n + b.length, 0);
  }

  u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  }

  u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  }

  i64(v: bigint): Buffer {
    const b = Buffer.alloc(8);
    if (this.le) b.writeBigInt64LE(v);
    else b.writeBigInt64BE(v);
    return b;
  }

  /** A block of `type` around `body` (padded to 32 bits); lengths may be overridden to break it. */
  block(type: number, body: Buffer, lens: { total?: number; trailer?: number } = {}): this {
    const padded = Buffer.concat([body, Buffer.alloc(pad4(body.length) - body.length)]);
    const total = 12 + padded.length;
    this.parts.push(Buffer.concat([this.u32(type), this.u32(lens.total ?? total), padded, this.u32(lens.trailer ?? total)]));
    return this;
  }

  shb(opts: ShbOptions = {}): this {
    if (opts.le !== undefined) this.le = opts.le;
    const body = Buffer.concat([
      this.u32(0x1a2b3c4d),
      this.u16(opts.major ?? 1),
      this.u16(opts.minor ?? 0),
      Buffer.alloc(8, 0xff), // section length: unknown (-1)
    ]);
    return this.block(BT.SHB, body);
  }

  idb(linkType: number, snapLen: number, opts: IdbOptions = {}): this {
    const options: Buffer[] = [];
    const option = (code: number, value: Buffer): void => {
      options.push(this.u16(code), this.u16(value.length), value, Buffer.alloc(pad4(value.length) - value.length));
    };
    for (const [code, value] of opts.raw ?? []) option(code, value);
    if (opts.tsresol !== undefined) option(9, Buffer.from([opts.tsresol]));
    if (opts.tsoffset !== undefined) option(14, this.i64(opts.tsoffset));
    if (options.length > 0 && opts.noEnd !== true) options.push(this.u16(0), this.u16(0));
    return this.block(BT.IDB, Buffer.concat([this.u16(linkType), this.u16(0), this.u32(snapLen), ...options]));
  }

  /** EPB; `ticks` is the 64-bit timestamp in the interface's unit. */
  epb(ifId: number, ticks: bigint, data: Buffer, origLen = data.length, capLen = data.length): this {
    return this.block(
      BT.EPB,
      Buffer.concat([this.u32(ifId), this.u32(Number(ticks >> 32n)), this.u32(Number(ticks & 0xffffffffn)), this.u32(capLen), this.u32(origLen), data]),
    );
  }

  /** EPB with options (code, value), each padded to 32 bits, then opt_endofopt. */
  epbWithOptions(ifId: number, ticks: bigint, data: Buffer, options: Array<[number, Buffer]>): this {
    const opts = options.flatMap(([code, value]) => [this.u16(code), this.u16(value.length), value, Buffer.alloc(pad4(value.length) - value.length)]);
    return this.block(
      BT.EPB,
      Buffer.concat([
        this.u32(ifId),
        this.u32(Number(ticks >> 32n)),
        this.u32(Number(ticks & 0xffffffffn)),
        this.u32(data.length),
        this.u32(data.length),
        data,
        Buffer.alloc(pad4(data.length) - data.length),
        ...opts,
        this.u16(0),
        this.u16(0),
      ]),
    );
  }

  /** A 64-bit value in the section's byte order. */
  u64(v: bigint): Buffer {
    const b = Buffer.alloc(8);
    if (this.le) b.writeBigUInt64LE(v);
    else b.writeBigUInt64BE(v);
    return b;
  }

  spb(data: Buffer, origLen = data.length): this {
    return this.block(BT.SPB, Buffer.concat([this.u32(origLen), data]));
  }

  /** Obsolete Packet Block (appendix A): 16-bit interface id and drops count. */
  pb(ifId: number, ticks: bigint, data: Buffer, origLen = data.length): this {
    return this.block(
      BT.PB,
      Buffer.concat([
        this.u16(ifId),
        this.u16(0),
        this.u32(Number(ticks >> 32n)),
        this.u32(Number(ticks & 0xffffffffn)),
        this.u32(data.length),
        this.u32(origLen),
        data,
      ]),
    );
  }

  /** Raw bytes, as they are (to cut or corrupt a file). */
  raw(bytes: Buffer): this {
    this.parts.push(bytes);
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}
