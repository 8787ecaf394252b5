import { readFileSync, readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import * as pcapParser from 'pcap-parser';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/frame';
import { InputError } from '../../../src/capture/input-error';
import { createPcapParser } from '../../../src/capture/file/pcap';
import type { FrameRecord } from '../frame-log';
import { CORPUS, everyByte, expectedOf, parseInChunks, recordOf } from '../frame-log';
import { FIXTURES } from '../../repo';

// --- a small classic pcap builder -------------------------------------------------------------

interface Rec {
  sec: number;
  frac: number;
  data: Buffer;
  origLen?: number;
  /** caplen field as written (default data.length): lets a test lie about the length. */
  capLenField?: number;
}

interface FileOpts {
  le?: boolean;
  nsec?: boolean;
  major?: number;
  minor?: number;
  linkType?: number;
  /** Write len before caplen, as pcap versions before 2.3 did. */
  lengthsSwapped?: boolean;
}

function pcapFile(opts: FileOpts, recs: Rec[]): Buffer {
  const le = opts.le ?? true;
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  };
  const u16 = (v: number): Buffer => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  };
  const magic = opts.nsec === true ? 0xa1b23c4d : 0xa1b2c3d4;
  const parts = [u32(magic), u16(opts.major ?? 2), u16(opts.minor ?? 4), u32(0), u32(0), u32(262144), u32(opts.linkType ?? 1)];
  for (const r of recs) {
    const cap = r.capLenField ?? r.data.length;
    const orig = r.origLen ?? r.data.length;
    const lens = opts.lengthsSwapped === true ? [u32(orig), u32(cap)] : [u32(cap), u32(orig)];
    parts.push(u32(r.sec), u32(r.frac), ...lens, r.data);
  }
  return Buffer.concat(parts);
}

const pcap = (sink: (f: Frame) => void) => createPcapParser('test.pcap', sink);

function bytes(n: number, seed = 1): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));
}

const THREE: Rec[] = [
  { sec: 1700000000, frac: 1, data: bytes(60, 1) },
  { sec: 1700000001, frac: 999999, data: bytes(42, 2), origLen: 1514 },
  { sec: 4294967295, frac: 0, data: bytes(0, 3) },
];

function inputError(result: { error: unknown }): InputError {
  expect(result.error).toBeInstanceOf(InputError);
  return result.error as InputError;
}

// --- pcap-parser (npm) as an independent reader -------------------------------------------------

interface PcapParserPacket {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Buffer;
}

/** Reads `buf` with pcap-parser; resolves with its packets and the error it reported, if any. */
function readWithPcapParser(buf: Buffer): Promise<{ packets: FrameRecord[]; error: Error | null }> {
  return new Promise((resolve) => {
    const packets: FrameRecord[] = [];
    let error: Error | null = null;
    const parser = pcapParser.parse(Readable.from([buf]));
    let linkType = 0;
    // pcap-parser keeps the FCS bits of the linktype field (ipv6hdr-heapoverflow.pcap has
    // 0x300000e5); libpcap and we keep the low 16 bits (LT_LINKTYPE). Compared masked.
    parser.on('globalHeader', (h: { linkLayerType: number }) => (linkType = h.linkLayerType & 0xffff));
    parser.on('packet', (p: PcapParserPacket) =>
      packets.push({
        tsSec: p.header.timestampSeconds,
        tsNsec: p.header.timestampMicroseconds * 1000,
        capLen: p.header.capturedLength,
        origLen: p.header.originalLength,
        linkType,
        ifIndex: 0,
        hex: p.data.toString('hex'),
      }),
    );
    parser.on('error', (err: Error) => (error = err));
    parser.on('end', () => resolve({ packets, error }));
  });
}

/** Every classic pcap of the corpus (gzip ones decompressed) and of the project's fixtures. */
function classicPcaps(): Array<{ name: string; bytes: Buffer }> {
  const files: Array<{ name: string; bytes: Buffer }> = [];
  for (const f of readdirSync(`${CORPUS}/good`).sort()) {
    if (expectedOf(f).format.format !== 'pcap') continue;
    const raw = readFileSync(`${CORPUS}/good/${f}`);
    files.push({ name: f, bytes: f.endsWith('.gz') ? gunzipSync(raw) : raw });
  }
  for (const f of readdirSync(FIXTURES).sort()) {
    if (f.endsWith('.pcap')) files.push({ name: `fixtures/${f}`, bytes: readFileSync(`${FIXTURES}/${f}`) });
  }
  return files;
}

/** pcap-parser only knows the µs magic (it reports "unknown magic number" for ns files). */
function isNanosecondPcap(buf: Buffer): boolean {
  const magic = buf.readUInt32BE(0);
  return magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
}

// -----------------------------------------------------------------------------------------------

describe('pcap reader', () => {
  it('reads µs and ns files in both byte orders with exact timestamps', () => {
    for (const le of [true, false]) {
      for (const nsec of [false, true]) {
        const recs = THREE.map((r) => ({ ...r, frac: nsec ? r.frac * 1000 + 7 : r.frac }));
        const { frames, error } = parseInChunks(pcap, pcapFile({ le, nsec }, recs));
        expect(error).toBeNull();
        expect(frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([
          [1700000000, nsec ? 1007 : 1000],
          [1700000001, nsec ? 999999007 : 999999000],
          [4294967295, nsec ? 7 : 0],
        ]);
        expect(frames.map((f) => [f.capLen, f.origLen, f.linkType, f.ifIndex])).toEqual([
          [60, 60, 1, 0],
          [42, 1514, 1, 0],
          [0, 0, 1, 0],
        ]);
        expect(frames.map((f) => f.hex)).toEqual(THREE.map((r) => r.data.toString('hex')));
      }
    }
  });

  it('hands the sink a view into the pushed chunk, not a copy', () => {
    const file = pcapFile({}, THREE);
    const seen: Array<[Buffer, number]> = [];
    const parser = createPcapParser('t', (f) => seen.push([f.buf, f.off]));
    parser.push(file);
    parser.end();
    expect(seen.map(([buf]) => buf === file)).toEqual([true, true, true]);
    expect(seen.map(([, off]) => off)).toEqual([24 + 16, 24 + 16 + 60 + 16, 24 + 16 + 60 + 16 + 42 + 16]);
  });

  it('reads only chunk[start .. end) when given bounds', () => {
    const file = pcapFile({}, THREE);
    const padded = Buffer.concat([Buffer.alloc(5, 0xee), file, Buffer.alloc(7, 0xee)]);
    const frames: FrameRecord[] = [];
    const parser = createPcapParser('t', (f) => frames.push(recordOf(f)));
    parser.push(padded, 5, 5 + 100);
    parser.push(padded, 5 + 100, 5 + file.length);
    parser.end();
    expect(frames).toEqual(parseInChunks(pcap, file).frames);
    expect(parser.bytes).toBe(file.length);
  });

  it('swaps caplen and len in version 2.0 to 2.2 files, as libpcap does', () => {
    for (const minor of [0, 1, 2]) {
      const file = pcapFile({ minor, lengthsSwapped: true }, [{ sec: 1, frac: 0, data: bytes(20), origLen: 100 }]);
      const { frames, error } = parseInChunks(pcap, file);
      expect(error).toBeNull();
      expect(frames.map((f) => [f.capLen, f.origLen])).toEqual([[20, 100]]);
    }
  });

  it('swaps them in version 2.3 files only where caplen exceeds len, as libpcap does', () => {
    const swapped = pcapFile({ minor: 3, lengthsSwapped: true }, [{ sec: 1, frac: 0, data: bytes(20), origLen: 100 }]);
    const inOrder = pcapFile({ minor: 3 }, [{ sec: 1, frac: 0, data: bytes(20), origLen: 100 }]);
    expect(parseInChunks(pcap, swapped).frames.map((f) => [f.capLen, f.origLen])).toEqual([[20, 100]]);
    expect(parseInChunks(pcap, inOrder).frames.map((f) => [f.capLen, f.origLen])).toEqual([[20, 100]]);
  });

  it('passes a 2.4 record whose caplen exceeds len through unchanged, as tcpdump and tshark do', () => {
    const file = pcapFile({}, [{ sec: 1, frac: 0, data: bytes(20), origLen: 10 }]);
    expect(parseInChunks(pcap, file).frames.map((f) => [f.capLen, f.origLen])).toEqual([[20, 10]]);
  });

  it('takes the link type from the low 16 bits, dropping the FCS length bits', () => {
    const fcs4 = (1 << 28) | (1 << 26); // FCS length 1 (16 bits) present, LT_FCS_LENGTH_PRESENT
    const { frames } = parseInChunks(pcap, pcapFile({ linkType: fcs4 | 113 }, THREE.slice(0, 1)));
    expect(frames[0]!.linkType).toBe(113);
  });

  it('refuses a link-type field with reserved bits (16-25) set, as libpcap does, at byte 20', () => {
    for (const bit of [16, 20, 25]) {
      const err = inputError(parseInChunks(pcap, pcapFile({ linkType: (1 << bit) | 1 }, THREE.slice(0, 1))));
      expect([err.offset, err.description]).toEqual([20, `reserved bits set in the link-type field (0x${((1 << bit) | 1).toString(16).padStart(8, '0')})`]);
    }
  });

  it('accepts versions 2.0 to 2.4 and rejects 1.x and 2.5 at byte 0, as tcpdump does', () => {
    for (const minor of [0, 1, 2, 3, 4]) {
      const { frames, error } = parseInChunks(pcap, pcapFile({ minor, lengthsSwapped: minor < 3 }, THREE));
      expect(error).toBeNull();
      expect(frames).toHaveLength(3);
    }
    for (const [major, minor] of [
      [1, 4],
      [2, 5],
      [3, 0],
      [0, 0],
    ] as const) {
      const result = parseInChunks(pcap, pcapFile({ major, minor }, THREE));
      const err = inputError(result);
      expect(result.frames).toEqual([]);
      expect(err.offset).toBe(0);
      expect(err.description).toBe(`unsupported pcap version ${major}.${minor} (only 2.0 to 2.4 are defined)`);
    }
  });

  it('rejects a magic number that is not pcap at byte 0', () => {
    const file = pcapFile({}, THREE);
    file.writeUInt32BE(0xd4c3b2a0, 0);
    const err = inputError(parseInChunks(pcap, file));
    expect([err.offset, err.description]).toEqual([0, 'not a pcap file (magic 0xd4c3b2a0)']);
  });

  it('rejects a record longer than 262144 bytes at its offset, after delivering the records before it', () => {
    const recs: Rec[] = [...THREE.slice(0, 2), { sec: 5, frac: 0, data: bytes(10), capLenField: 262145 }];
    const result = parseInChunks(pcap, pcapFile({}, recs));
    const err = inputError(result);
    expect(result.frames).toHaveLength(2);
    expect(err.offset).toBe(24 + 16 + 60 + 16 + 42);
    expect(err.description).toBe('record claims 262145 bytes, more than the 262144-byte maximum for link type 1');
    expect(err.message).toBe(`test.pcap: byte ${err.offset}: ${err.description}`);
  });

  it('accepts the larger records libpcap allows for D-Bus (link type 231)', () => {
    const big = bytes(300000);
    const { frames, error } = parseInChunks(pcap, pcapFile({ linkType: 231 }, [{ sec: 1, frac: 0, data: big }]), [1000, 200000]);
    expect(error).toBeNull();
    expect(frames[0]!.hex).toBe(big.toString('hex'));
  });

  it('carries a fraction of a second or more into the seconds', () => {
    const { frames } = parseInChunks(pcap, pcapFile({}, [{ sec: 10, frac: 2_500_000, data: bytes(1) }]));
    expect([frames[0]!.tsSec, frames[0]!.tsNsec]).toEqual([12, 500_000_000]);
  });

  it('reports an empty input', () => {
    const err = inputError(parseInChunks(pcap, Buffer.alloc(0)));
    expect([err.offset, err.description]).toEqual([0, 'empty input: no capture file header']);
  });

  it('reports a file header cut at every length', () => {
    const file = pcapFile({}, THREE);
    for (let n = 1; n < 24; n++) {
      const result = parseInChunks(pcap, file.subarray(0, n));
      expect([inputError(result).offset, inputError(result).description]).toEqual([0, `pcap file header cut short: ${n} of 24 bytes`]);
    }
    expect(parseInChunks(pcap, file.subarray(0, 24))).toEqual({ frames: [], error: null });
  });

  it('reports a record cut at every length at the record, after delivering the records before it', () => {
    const file = pcapFile({}, THREE.slice(0, 2));
    const second = 24 + 16 + 60;
    for (let n = second + 1; n < file.length; n++) {
      const result = parseInChunks(pcap, file.subarray(0, n));
      const err = inputError(result);
      expect(result.frames).toHaveLength(1);
      expect(err.offset).toBe(second);
      const got = n - second;
      expect(err.description).toBe(got < 16 ? `record header cut short: ${got} of 16 bytes` : `record claims 42 bytes, only ${got - 16} left`);
    }
  });

  it('keeps throwing the same error once damaged', () => {
    const parser = createPcapParser('t', () => undefined);
    const file = pcapFile({}, [{ sec: 1, frac: 0, data: bytes(4), capLenField: 1 << 30 }]);
    let first: unknown;
    try {
      parser.push(file);
    } catch (err) {
      first = err;
    }
    expect(first).toBeInstanceOf(InputError);
    expect(() => parser.push(file)).toThrow(first as Error);
    expect(() => parser.end()).toThrow(first as Error);
  });

  it('yields identical frames when the file is cut into two chunks at every byte offset', () => {
    for (const file of [
      readFileSync(`${CORPUS}/good/communityid_arp.pcap`),
      readFileSync(`${CORPUS}/good/pptp.pcap`), // big-endian
      pcapFile({ nsec: true, le: false }, THREE),
    ]) {
      const whole = parseInChunks(pcap, file);
      expect(whole.error).toBeNull();
      for (let cut = 0; cut <= file.length; cut++) expect(parseInChunks(pcap, file, [cut])).toEqual(whole);
      expect(parseInChunks(pcap, file, everyByte(file))).toEqual(whole);
    }
  });

  it('yields identical frames for every pair of cut points', () => {
    const file = readFileSync(`${CORPUS}/good/arp-who-has.pcap`);
    const whole = parseInChunks(pcap, file);
    for (let a = 0; a <= file.length; a++) {
      for (let b = a; b <= file.length; b++) expect(parseInChunks(pcap, file, [a, b])).toEqual(whole);
    }
  });

  it('reports the same damage at the same offset however the input is chunked', () => {
    for (const f of ['truncated-eapon1-at7771.pcap', 'truncated-linuxsll-arp-at500.pcap', 'corrupt-caplen-communityid_arp-at166.pcap']) {
      const file = readFileSync(`${CORPUS}/bad/${f}`);
      const whole = parseInChunks(pcap, file);
      expect(whole.error).toBeInstanceOf(InputError);
      expect(parseInChunks(pcap, file, everyByte(file))).toEqual(whole);
      expect(parseInChunks(pcap, file, [Math.floor(file.length / 2)])).toEqual(whole);
    }
  });

  describe('against pcap-parser (npm), an independent reader', () => {
    for (const { name, bytes: file } of classicPcaps()) {
      if (isNanosecondPcap(file)) continue;
      it(`yields the same records as pcap-parser for ${name}`, async () => {
        const theirs = await readWithPcapParser(file);
        expect(theirs.error).toBeNull();
        const ours = parseInChunks(pcap, file);
        expect(ours.frames.length).toBeGreaterThan(0);
        expect(ours.frames).toEqual(theirs.packets);
        // A damaged fixture may end in a cut record, which pcap-parser drops without a word.
        if (ours.error !== null) expect((ours.error as InputError).description).toMatch(/cut short|only \d+ left/);
      });
    }

    it('a linktype field with FCS bits: pcap-parser keeps them, we drop them as libpcap does', () => {
      const file = readFileSync(`${CORPUS}/good/ipv6hdr-heapoverflow.pcap`);
      expect(file.readUInt32LE(20)).toBe(0x300000e5);
      expect(parseInChunks(pcap, file).frames[0]!.linkType).toBe(229); // LINKTYPE_IPV6
    });

    it('ns files: pcap-parser rejects their magic, so they are checked against tcpdump --nano', async () => {
      // pcap-parser knows only a1b2c3d4 and reports "unknown magic number" for a1b23c4d files.
      const file = readFileSync(`${CORPUS}/good/tcp-handshake-nano.pcap`);
      expect((await readWithPcapParser(file)).error?.message).toMatch(/unknown magic number/);
      // `tcpdump -r tcp-handshake-nano.pcap -tt --nano`; lengths from tshark frame.cap_len/frame.len.
      const { frames, error } = parseInChunks(pcap, file);
      expect(error).toBeNull();
      expect(frames.map((f) => [f.tsSec, f.tsNsec, f.capLen, f.origLen, f.linkType])).toEqual([
        [1418145369, 924505488, 76, 76, 113],
        [1418145370, 52027262, 76, 76, 113],
        [1418145370, 52115157, 68, 68, 113],
      ]);
    });

    it('ns fields of a second or more: tcpdump prints them raw, we carry them into the seconds', () => {
      // tcpdump --nano prints 1418145370.1000000000 and 1418145370.2147483648 for records 2 and 3
      // (tshark even prints a negative time for the last): the same instants, normalised.
      const { frames } = parseInChunks(pcap, readFileSync(`${CORPUS}/good/timestamp_invalid_nano.pcap`));
      expect(frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([
        [1418145369, 999999999],
        [1418145371, 0],
        [1418145372, 147483648],
      ]);
    });

    it('a cut last record: pcap-parser silently drops it, we report it after the same records', async () => {
      for (const f of ['truncated-eapon1-at7771.pcap', 'truncated-pptp-at304.pcap', 'truncated-linuxsll-arp-at500.pcap']) {
        const file = readFileSync(`${CORPUS}/bad/${f}`);
        const theirs = await readWithPcapParser(file);
        expect(theirs.error).toBeNull(); // pcap-parser's known bug: no error at all
        const ours = parseInChunks(pcap, file);
        expect(ours.error).toBeInstanceOf(InputError);
        expect(ours.frames).toEqual(theirs.packets);
        expect(ours.frames).toHaveLength(expectedOf(f).tcpdump.packets!);
      }
    });

    it('versions 1.4 and 2.5: pcap-parser reads them (its check is `major != 2 && minor != 4`), tcpdump and we do not', async () => {
      for (const f of ['pcap-invalid-version-1.pcap', 'pcap-invalid-version-2.pcap']) {
        const file = readFileSync(`${CORPUS}/bad/${f}`);
        expect((await readWithPcapParser(file)).packets).toHaveLength(1);
        expect(expectedOf(f).tcpdump.error).toMatch(/archaic pcap savefile format|unsupported pcap savefile version 2.5/);
        expect(inputError(parseInChunks(pcap, file)).offset).toBe(0);
      }
    });
  });
});
