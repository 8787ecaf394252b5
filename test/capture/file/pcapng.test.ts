import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/frame';
import { LINKTYPE, MAX_INTERFACES_PER_INPUT } from '../../../src/frame';
import { InputError } from '../../../src/capture/input-error';
import { createPcapngParser } from '../../../src/capture/file/pcapng';
import { PCAPNG_MAX_BLOCK_LEN } from '../../../src/capture/file/pcapng-format';
import type { FrameRecord, ParseResult } from '../frame-log';
import { CORPUS, everyByte, parseInChunks } from '../frame-log';
import { BT, PcapngBuilder } from '../pcapng-builder';

const ng = (sink: (f: Frame) => void) => createPcapngParser('test.pcapng', sink);

function data(n: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff));
}

function inputError(result: ParseResult): InputError {
  expect(result.error).toBeInstanceOf(InputError);
  return result.error as InputError;
}

const times = (frames: FrameRecord[]): Array<[number, number]> => frames.map((f) => [f.tsSec, f.tsNsec]);

describe('pcapng reader', () => {
  it('reads interfaces with different link types, if_tsresol (10^-9, 2^-10, default µs) and if_tsoffset', () => {
    const file = new PcapngBuilder()
      .shb()
      .idb(1, 0, { tsresol: 9 })
      .idb(113, 0, { tsresol: 0x8a })
      .idb(101, 0, { tsoffset: 1_700_000_000n })
      .idb(228, 0, { tsresol: 9, tsoffset: -1n })
      .epb(0, 1_700_000_000_123_456_789n, data(60, 0))
      .epb(1, 1024n * 1_700_000_001n + 512n, data(44, 1))
      .epb(2, 2_500_000n, data(20, 2))
      .epb(3, 1_000_000_000n, data(28, 3))
      .build();
    const { frames, error } = parseInChunks(ng, file);
    expect(error).toBeNull();
    expect(times(frames)).toEqual([
      [1700000000, 123456789],
      [1700000001, 500000000],
      [1700000002, 500000000],
      [0, 0],
    ]);
    expect(frames.map((f) => [f.linkType, f.ifIndex, f.capLen])).toEqual([
      [1, 0, 60],
      [113, 1, 44],
      [101, 2, 20],
      [228, 3, 28],
    ]);
    expect(frames.map((f) => f.hex)).toEqual([data(60, 0), data(44, 1), data(20, 2), data(28, 3)].map((d) => d.toString('hex')));
  });

  it('hands the sink a view into the pushed chunk, not a copy', () => {
    const file = new PcapngBuilder().shb().idb(1, 0).epb(0, 1n, data(60, 0)).build();
    const seen: Array<[boolean, number]> = [];
    const parser = createPcapngParser('t', (f) => seen.push([f.buf === file, f.off]));
    parser.push(file);
    parser.end();
    expect(seen).toEqual([[true, 28 + 20 + 28]]);
  });

  it('keeps the EPB caplen and original length apart', () => {
    const file = new PcapngBuilder().shb().idb(1, 64).epb(0, 1n, data(64, 0), 1514).build();
    expect(parseInChunks(ng, file).frames.map((f) => [f.capLen, f.origLen])).toEqual([[64, 1514]]);
  });

  it('reads big-endian sections, and sections of both byte orders in one file', () => {
    const file = new PcapngBuilder()
      .shb({ le: false })
      .idb(1, 0)
      .epb(0, 1_000_001n, data(50, 0), 70)
      .shb({ le: true })
      .idb(113, 0, { tsresol: 9 })
      .epb(0, 2_000_000_002n, data(51, 1))
      .shb({ le: false })
      .idb(0, 0, { tsresol: 9 })
      .epb(0, 3_000_000_003n, data(52, 2))
      .build();
    const { frames, error } = parseInChunks(ng, file);
    expect(error).toBeNull();
    expect(frames.map((f) => [f.tsSec, f.tsNsec, f.capLen, f.origLen, f.linkType, f.ifIndex])).toEqual([
      [1, 1000, 50, 70, 1, 0],
      [2, 2, 51, 51, 113, 1],
      [3, 3, 52, 52, 0, 2],
    ]);
  });

  it('restarts interface ids in each section while Frame.ifIndex counts on across the input', () => {
    const file = new PcapngBuilder().shb().idb(1, 0).idb(0, 0).epb(1, 1n, data(4, 0)).shb().idb(113, 0).epb(0, 2n, data(4, 1)).build();
    expect(parseInChunks(ng, file).frames.map((f) => [f.ifIndex, f.linkType])).toEqual([
      [1, 0],
      [2, 113],
    ]);
    const parser = createPcapngParser('t', () => undefined);
    parser.push(file);
    parser.end();
    expect(parser.linkTypes).toEqual([1, 0, 113]);
  });

  it(`keeps ${MAX_INTERFACES_PER_INPUT} interfaces per input; frames of the ones past it come with no link type and the previous packet time of their section, and nothing grows`, () => {
    const b = new PcapngBuilder().shb();
    for (let i = 0; i < MAX_INTERFACES_PER_INPUT - 1; i++) b.idb(1, 0);
    // The last one kept, with nanosecond stamps, then three past the cap (the second of them nanosecond too).
    b.idb(113, 0, { tsresol: 9 }).idb(1, 0).idb(0, 0, { tsresol: 9 }).idb(1, 0);
    const last = MAX_INTERFACES_PER_INPUT - 1;
    b.epb(last, 5_000_000_000n, data(4, 0))
      .epb(last + 2, 7n, data(4, 1))
      .epb(0, 6_000_000n, data(4, 2));
    // A new section: interface ids restart, but the cap counts the whole input.
    b.shb().idb(1, 0).epb(0, 8_000_000n, data(4, 3)).spb(data(4, 4));
    const file = b.build();
    const result = parseInChunks(ng, file, [file.length - 100]);
    expect(result.error).toBe(null);
    expect(result.frames.map((f) => [f.ifIndex, f.linkType, f.tsSec, f.tsNsec])).toEqual([
      [last, 113, 5, 0],
      [MAX_INTERFACES_PER_INPUT, LINKTYPE.OVER_CAP, 5, 0],
      [0, 1, 6, 0],
      // As a Simple Packet Block: the previous packet time of its section, or 0.
      [MAX_INTERFACES_PER_INPUT, LINKTYPE.OVER_CAP, 0, 0],
      [MAX_INTERFACES_PER_INPUT, LINKTYPE.OVER_CAP, 0, 0],
    ]);
    const parser = createPcapngParser('t', () => undefined);
    parser.push(file);
    parser.end();
    expect(parser.linkTypes).toHaveLength(MAX_INTERFACES_PER_INPUT + 1);
    expect(parser.linkTypes[MAX_INTERFACES_PER_INPUT]).toBe(LINKTYPE.OVER_CAP);
    expect(parser.interfacesOverCap).toBe(4);
  });

  it('an interface id past every IDB of its section is still an error when the section is over the cap', () => {
    const b = new PcapngBuilder().shb();
    for (let i = 0; i < MAX_INTERFACES_PER_INPUT + 2; i++) b.idb(1, 0);
    b.epb(MAX_INTERFACES_PER_INPUT + 2, 0n, data(4, 0));
    const err = inputError(parseInChunks(ng, b.build()));
    expect(err.reason).toBe('unknown-interface');
    expect(err.description).toBe(
      `packet block names interface ${MAX_INTERFACES_PER_INPUT + 2}, but its section has ${MAX_INTERFACES_PER_INPUT + 2} interface(s)`,
    );
  });

  it('an interface id of the previous section is an error in the next', () => {
    const file = new PcapngBuilder().shb().idb(1, 0).idb(1, 0).shb().idb(1, 0).epb(1, 0n, data(4, 0)).build();
    const err = inputError(parseInChunks(ng, file));
    expect(err.offset).toBe(file.length - 36);
    expect(err.description).toBe('packet block names interface 1, but its section has 1 interface(s)');
  });

  it('gives a Simple Packet Block the previous packet time of its section, or 0, and cuts it to the snaplen', () => {
    const b = new PcapngBuilder().shb().idb(1, 0, { tsresol: 9 });
    const file = b
      .spb(data(60, 0), 60) // first in the section: time 0
      .epb(0, 5_000_000_007n, data(60, 1))
      .spb(data(60, 2), 1514) // body holds 60 of 1514 bytes
      .shb()
      .idb(1, 32) // snaplen 32
      .spb(data(60, 3), 60) // new section: time 0 again; cut to the snaplen
      .build();
    const { frames, error } = parseInChunks(ng, file);
    expect(error).toBeNull();
    expect(frames.map((f) => [f.tsSec, f.tsNsec, f.capLen, f.origLen, f.ifIndex])).toEqual([
      [0, 0, 60, 60, 0],
      [5, 7, 60, 60, 0],
      [5, 7, 60, 1514, 0],
      [0, 0, 32, 60, 1],
    ]);
    expect(frames[3]!.hex).toBe(data(32, 3).toString('hex'));
  });

  it('cuts a Simple Packet Block to its original length when the body holds padding beyond it', () => {
    const file = new PcapngBuilder().shb().idb(1, 0).spb(data(61, 0)).build(); // 3 bytes of padding
    expect(parseInChunks(ng, file).frames.map((f) => [f.capLen, f.origLen])).toEqual([[61, 61]]);
  });

  it('rejects a Simple Packet Block before any interface of its section', () => {
    const file = new PcapngBuilder().shb().idb(1, 0).shb().spb(data(8, 0)).build();
    const err = inputError(parseInChunks(ng, file));
    expect([err.offset, err.description]).toEqual([28 + 20 + 28, 'simple packet block before any interface description block in its section']);
  });

  it('reads the obsolete Packet Block', () => {
    const file = new PcapngBuilder().shb().idb(1, 0).idb(113, 0).pb(1, 3_000_001n, data(40, 0), 90).build();
    const { frames, error } = parseInChunks(ng, file);
    expect(error).toBeNull();
    expect(frames.map((f) => [f.tsSec, f.tsNsec, f.capLen, f.origLen, f.linkType, f.ifIndex])).toEqual([[3, 1000, 40, 90, 113, 1]]);
  });

  it('skips NRB, ISB, DSB, custom and unknown blocks, and options it does not use', () => {
    const file = new PcapngBuilder()
      .shb()
      .block(BT.CB, data(13, 0))
      .idb(1, 0, {
        raw: [
          [2, Buffer.from('eth0')],
          [12, Buffer.from('Linux')],
        ],
        tsresol: 9,
      })
      .block(BT.NRB, data(16, 1))
      .epb(0, 1n, data(10, 2))
      .block(BT.ISB, data(20, 3))
      .block(BT.DSB, data(24, 4))
      .block(BT.CB_NOCOPY, data(5, 5))
      .block(0x12345678, Buffer.alloc(0))
      .epb(0, 2n, data(11, 6))
      .build();
    const { frames, error } = parseInChunks(ng, file);
    expect(error).toBeNull();
    expect(frames.map((f) => [f.tsNsec, f.hex])).toEqual([
      [1, data(10, 2).toString('hex')],
      [2, data(11, 6).toString('hex')],
    ]);
  });

  it('reads options up to the end of the block when opt_endofopt is missing', () => {
    const file = new PcapngBuilder().shb().idb(1, 0, { tsresol: 9, noEnd: true }).epb(0, 5n, data(4, 0)).build();
    expect(times(parseInChunks(ng, file).frames)).toEqual([[0, 5]]);
  });

  it('reads a drop as etl2pcapng marks a pktmon drop event (epb_verdict: XDP, XDP_DROP), and packet ids, in either byte order', () => {
    for (const le of [true, false]) {
      const b = new PcapngBuilder(le);
      // epb_verdict: one type byte, then the 64-bit action; etl2pcapng writes type 2 (XDP) and 1 (XDP_DROP).
      const verdict = (type: number, action: bigint): [number, Buffer] => [7, Buffer.concat([Buffer.from([type]), b.u64(action)])];
      const flags = (v: number): [number, Buffer] => [2, b.u32(v)];
      const id = (v: bigint): [number, Buffer] => [5, b.u64(v)];
      const pidTid: [number, Buffer] = [8, Buffer.concat([b.u32(4), b.u32(1234)])];
      const file = b
        .shb()
        .idb(1, 65535)
        .epbWithOptions(0, 1n, data(60, 0), [flags(1), id(7n), pidTid]) // passed
        .epbWithOptions(0, 2n, data(60, 0), [flags(1), id(7n), verdict(2, 1n), pidTid]) // its copy, dropped (pktmon)
        .epbWithOptions(0, 3n, data(60, 1), [flags(2), id(8n), verdict(2, 2n)]) // XDP_PASS
        .epbWithOptions(0, 4n, data(60, 2), [verdict(2, 0n)]) // XDP_ABORTED
        .epbWithOptions(0, 5n, data(60, 3), [verdict(1, 2n)]) // TC_ACT_SHOT
        .epbWithOptions(0, 6n, data(60, 4), [verdict(1, 0n)]) // TC_ACT_OK
        .epbWithOptions(0, 7n, data(60, 5), [verdict(2, (1n << 32n) | 1n)]) // no such action
        .epbWithOptions(0, 8n, data(60, 6), [[7, Buffer.from([0, 1, 2, 3])]]) // hardware: opaque, not read
        .epbWithOptions(0, 9n, data(60, 7), [flags(0x00010001)]) // a link-layer error (CRC)
        .build();
      const seen: Array<[boolean, boolean]> = [];
      const parser = createPcapngParser('t', (f) => seen.push([f.copy, f.dropped]));
      parser.push(file);
      parser.end();
      expect(seen, le ? 'little-endian' : 'big-endian').toEqual([
        [false, false],
        [true, true],
        [false, false],
        [false, true],
        [false, true],
        [false, false],
        [false, false],
        [false, false],
        [false, true],
      ]);
    }
  });

  describe('damage', () => {
    const good = (): PcapngBuilder => new PcapngBuilder().shb().idb(1, 0).epb(0, 1n, data(60, 0));
    const at = good().size; // the block after the good ones

    it('a block length that is not a multiple of 4', () => {
      const file = good()
        .block(BT.EPB, Buffer.concat([Buffer.alloc(20), data(8, 1)]), { total: 0x7ffffff6 })
        .build();
      const result = parseInChunks(ng, file);
      expect(result.frames).toHaveLength(1);
      expect([inputError(result).offset, inputError(result).description]).toEqual([at, 'block (type 0x6) claims 2147483638 bytes, not a multiple of 4']);
    });

    it('a block length below 12, or below what its type needs', () => {
      let err = inputError(parseInChunks(ng, good().block(0x99, Buffer.alloc(4), { total: 8 }).build()));
      expect([err.offset, err.description]).toEqual([at, 'block (type 0x99) claims 8 bytes, less than the 12 its type needs']);
      err = inputError(parseInChunks(ng, good().block(BT.EPB, Buffer.alloc(16)).build()));
      expect([err.offset, err.description]).toEqual([at, 'block (type 0x6) claims 28 bytes, less than the 32 its type needs']);
      err = inputError(parseInChunks(ng, good().block(BT.IDB, Buffer.alloc(4)).build()));
      expect(err.description).toBe('block (type 0x1) claims 16 bytes, less than the 20 its type needs');
    });

    it('a block longer than 128 MiB, as soon as its header is read', () => {
      const file = good()
        .block(BT.NRB, Buffer.alloc(4), { total: PCAPNG_MAX_BLOCK_LEN + 4 })
        .build();
      const err = inputError(parseInChunks(ng, file));
      expect([err.offset, err.description]).toEqual([at, `block (type 0x4) claims ${PCAPNG_MAX_BLOCK_LEN + 4} bytes, more than the 134217728-byte maximum`]);
      // The largest accepted length is only waited for, then reported as cut.
      const max = good().block(BT.NRB, Buffer.alloc(4), { total: PCAPNG_MAX_BLOCK_LEN }).build();
      expect(inputError(parseInChunks(ng, max)).description).toBe(`block (type 0x4) claims ${PCAPNG_MAX_BLOCK_LEN} bytes, only 16 left`);
    });

    it('a trailer that disagrees with the header', () => {
      const err = inputError(parseInChunks(ng, good().block(BT.NRB, Buffer.alloc(4), { trailer: 20 }).build()));
      expect([err.offset, err.description]).toEqual([at, 'block (type 0x4) ends with length 20, its header says 16']);
    });

    it('an EPB caplen beyond its body', () => {
      const file = good().epb(0, 1n, data(8, 1), 100, 9).build();
      const result = parseInChunks(ng, file);
      expect(result.frames).toHaveLength(1);
      expect([inputError(result).offset, inputError(result).description]).toEqual([at, 'packet block claims 9 captured bytes, its body holds only 8']);
    });

    it('an interface id with no IDB, in EPB and PB', () => {
      let err = inputError(parseInChunks(ng, good().epb(1, 1n, data(8, 1)).build()));
      expect([err.offset, err.description]).toEqual([at, 'packet block names interface 1, but its section has 1 interface(s)']);
      err = inputError(parseInChunks(ng, good().pb(7, 1n, data(8, 1)).build()));
      expect(err.description).toBe('packet block names interface 7, but its section has 1 interface(s)');
    });

    it('an interface option longer than its block', () => {
      const file = new PcapngBuilder()
        .shb()
        .idb(1, 0, { raw: [[2, Buffer.from('eth0')]] })
        .build();
      // Claim 200 bytes for if_name (option at block offset 16, its length 2 bytes further).
      file.writeUInt16LE(200, 28 + 16 + 2);
      const err = inputError(parseInChunks(ng, file));
      expect([err.offset, err.description]).toEqual([28, 'interface option 2 claims 200 bytes, only 8 left in its block']);
    });

    it('a section version libpcap refuses (other than 1.0, and 1.2 read as 1.0)', () => {
      for (const [major, minor] of [
        [0, 1],
        [2, 0],
        [1, 1],
        [1, 3],
      ] as const) {
        const err = inputError(parseInChunks(ng, new PcapngBuilder().shb({ major, minor }).build()));
        expect([err.offset, err.description]).toEqual([0, `unsupported pcapng version ${major}.${minor} (only 1.0 is defined; 1.2 is read as 1.0)`]);
      }
      expect(parseInChunks(ng, new PcapngBuilder().shb({ minor: 2 }).idb(1, 0).epb(0, 1n, data(4, 0)).build()).frames).toHaveLength(1);
    });

    it('a byte-order magic that is neither order', () => {
      const file = good().shb().build();
      file.writeUInt32LE(0x1a2b3c4e, at + 8);
      const err = inputError(parseInChunks(ng, file));
      expect([err.offset, err.description]).toEqual([at, 'section header has byte-order magic 0x4e3c2b1a, not 0x1a2b3c4d']);
    });

    it('a first block that is not a section header', () => {
      const err = inputError(parseInChunks(ng, new PcapngBuilder().idb(1, 0).build()));
      expect([err.offset, err.description]).toEqual([0, 'first block has type 0x1, not a section header (0xa0d0d0a)']);
    });

    it('an empty input', () => {
      const err = inputError(parseInChunks(ng, Buffer.alloc(0)));
      expect([err.offset, err.description]).toEqual([0, 'empty input: no capture file header']);
    });

    it('a file cut at every length: named at the cut block, after the packets before it', () => {
      const file = good().epb(0, 2n, data(33, 1)).build(); // SHB 28, IDB 20, EPB 92, EPB 68
      const blocks = [0, 28, 48, 140, file.length];
      for (let n = 1; n < file.length; n++) {
        const result = parseInChunks(ng, file.subarray(0, n));
        const i = blocks.findIndex((start) => start > n) - 1;
        const start = blocks[i]!;
        if (start === n) {
          expect(result.error).toBeNull(); // cut between blocks: nothing is missing
          continue;
        }
        const err = inputError(result);
        expect(result.frames).toHaveLength(start >= 140 ? 1 : 0);
        expect(err.offset).toBe(start);
        const got = n - start;
        const headerLen = start === 0 && got >= 8 ? 12 : 8; // a section header needs its magic too
        expect(err.description).toBe(
          got < headerLen
            ? `block header cut short: ${got} of ${headerLen} bytes`
            : `block (type 0x${file.readUInt32LE(start).toString(16)}) claims ${blocks[i + 1]! - start} bytes, only ${got} left`,
        );
      }
    });
  });

  describe('chunking', () => {
    const files = [
      // 3 sections (one big-endian), 5 IDBs, NRB, custom blocks, ISB, EPB and SPB.
      readFileSync(`${CORPUS}/good/pcapng-test-generator-le-difficult-test202.pcapng`),
      readFileSync(`${CORPUS}/good/pcapng-multi-interface.pcapng`),
      new PcapngBuilder()
        .shb({ le: false })
        .idb(1, 0, { tsresol: 0x8a })
        .pb(0, 1025n, data(50, 0))
        .spb(data(3, 1))
        .shb({ le: true })
        .idb(1, 0)
        .epb(0, 7n, data(70, 2))
        .build(),
    ];

    it('yields identical frames when the file is cut into two chunks at every byte offset', () => {
      for (const file of files) {
        const whole = parseInChunks(ng, file);
        expect(whole.error).toBeNull();
        expect(whole.frames.length).toBeGreaterThan(0);
        for (let cut = 0; cut <= file.length; cut++) expect(parseInChunks(ng, file, [cut])).toEqual(whole);
        expect(parseInChunks(ng, file, everyByte(file))).toEqual(whole);
      }
    });

    it('reports the same damage at the same offset however the input is chunked', () => {
      for (const f of [
        'corrupt-trailer-pcapng-test-generator-le-basic-test011-at1540.pcapng',
        'truncated-pcapng-test-generator-le-difficult-test202-at2052.pcapng',
        'truncated-vlan-pcp-dei-at20.pcapng',
      ]) {
        const file = readFileSync(`${CORPUS}/bad/${f}`);
        const whole = parseInChunks(ng, file);
        expect(whole.error).toBeInstanceOf(InputError);
        expect(parseInChunks(ng, file, everyByte(file))).toEqual(whole);
        for (let cut = 0; cut <= file.length; cut += 7) expect(parseInChunks(ng, file, [cut])).toEqual(whole);
      }
    });
  });
});
