// The pcap and pcapng writers, read back by pcap-parser, tshark and tcpdump.

import { spawnSync } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapngWriter, PcapWriter } from '../../../src/capture/file/writer';
import type { Frame } from '../../../src/frame';
import { LINKTYPE, newFrame } from '../../../src/frame';

interface ParsedPacket {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Buffer;
}
// pcap-parser has no types; this is the part of its API the tests use.
const pcapParser = createRequire(__filename)('pcap-parser') as { parse: (file: string) => EventEmitter };

const dir = mkdtempSync(join(tmpdir(), 'netgap-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
const tempFile = (ext: string): string => join(dir, `t${fileCount++}.${ext}`);

/** A frame of `len` recognisable bytes at offset 7 of a larger buffer, as sources hand them over. */
function frameOf(len: number, fill: number, ts: [number, number], extra: Partial<Frame> = {}): Frame {
  const f = newFrame();
  f.buf = Buffer.alloc(len + 20, 0xee);
  for (let i = 0; i < len; i++) f.buf[7 + i] = (fill + i) & 0xff;
  f.off = 7;
  f.capLen = len;
  f.origLen = len;
  f.linkType = LINKTYPE.ETHERNET;
  [f.tsSec, f.tsNsec] = ts;
  return Object.assign(f, extra);
}

/** The bytes a frame carries, as a writer must copy them. */
const bytesOf = (f: Frame, capLen = f.capLen): Buffer => Buffer.from(f.buf.subarray(f.off, f.off + capLen));

/** Write `frames` to a new file with a writer made by `make`; returns the path. */
function writeFile(ext: string, make: (fd: number) => { write(f: Frame): void; flush(): void }, frames: Frame[]): string {
  const file = tempFile(ext);
  const fd = openSync(file, 'w');
  const w = make(fd);
  for (const f of frames) w.write(f);
  w.flush();
  closeSync(fd);
  return file;
}

interface TsharkFrame {
  time: string;
  len: number;
  capLen: number;
  interfaceId: string | undefined;
  encap: string;
  hex: string;
}

function tshark(file: string): TsharkFrame[] {
  const r = spawnSync('tshark', ['-r', file, '-T', 'json', '-x', '-j', 'frame'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(r.status).toBe(0);
  return (JSON.parse(r.stdout) as { _source: { layers: { frame_raw: [string]; frame: Record<string, string> } } }[]).map((p) => {
    const fr = p._source.layers.frame;
    return {
      time: fr['frame.time_epoch']!,
      len: Number(fr['frame.len']),
      capLen: Number(fr['frame.cap_len']),
      interfaceId: fr['frame.interface_id'],
      encap: fr['frame.encap_type']!,
      hex: p._source.layers.frame_raw[0],
    };
  });
}

function pcapParse(file: string): Promise<{ header: Record<string, number>; packets: ParsedPacket[] }> {
  return new Promise((resolve, reject) => {
    const packets: ParsedPacket[] = [];
    let header: Record<string, number> = {};
    const p = pcapParser.parse(file);
    p.on('globalHeader', (h: Record<string, number>) => (header = h));
    p.on('packet', (pkt: ParsedPacket) => packets.push(pkt));
    p.on('error', reject);
    p.on('end', () => resolve({ header, packets }));
  });
}

const T0 = 1763798400; // 2025-11-22T08:00:00Z

describe('PcapWriter', () => {
  it('starts the file with the little-endian 2.4 header: microsecond magic, snaplen and link type', () => {
    const file = writeFile('pcap', (fd) => new PcapWriter(fd, { linkType: LINKTYPE.LINUX_SLL, snapLen: 65535 }), []);
    expect(readFileSync(file).toString('hex')).toBe('d4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + 'ffff0000' + '71000000');
  });

  it('writes the nanosecond magic when asked for nanoseconds, and snaplen 262144 by default', () => {
    const file = writeFile('pcap', (fd) => new PcapWriter(fd, { linkType: LINKTYPE.ETHERNET, tsResolution: 'ns' }), []);
    expect(readFileSync(file).subarray(0, 4).toString('hex')).toBe('4d3cb2a1');
    expect(readFileSync(file).readUInt32LE(16)).toBe(262144);
  });

  it('round-trips frames through pcap-parser: microseconds truncated from nanoseconds, both lengths, only the frame bytes', async () => {
    const frames = [frameOf(60, 1, [T0, 0]), frameOf(98, 2, [T0 + 1, 999_999_999]), frameOf(42, 3, [T0 + 300, 1_500], { origLen: 1514 })];
    const file = writeFile('pcap', (fd) => new PcapWriter(fd, { linkType: LINKTYPE.ETHERNET }), frames);
    const { header, packets } = await pcapParse(file);
    expect(header).toMatchObject({ majorVersion: 2, minorVersion: 4, snapshotLength: 262144, linkLayerType: 1 });
    expect(packets.map((p) => p.header)).toEqual([
      { timestampSeconds: T0, timestampMicroseconds: 0, capturedLength: 60, originalLength: 60 },
      { timestampSeconds: T0 + 1, timestampMicroseconds: 999_999, capturedLength: 98, originalLength: 98 },
      { timestampSeconds: T0 + 300, timestampMicroseconds: 1, capturedLength: 42, originalLength: 1514 },
    ]);
    expect(packets.map((p) => p.data.toString('hex'))).toEqual(frames.map((f) => bytesOf(f).toString('hex')));
  });

  it('round-trips nanosecond timestamps through tshark', () => {
    const frames = [frameOf(60, 9, [T0, 1]), frameOf(61, 10, [T0 + 240, 123_456_789])];
    const file = writeFile('pcap', (fd) => new PcapWriter(fd, { linkType: LINKTYPE.ETHERNET, tsResolution: 'ns' }), frames);
    expect(tshark(file).map((p) => [p.time, p.hex])).toEqual([
      [`${T0}.000000001`, bytesOf(frames[0]!).toString('hex')],
      [`${T0 + 240}.123456789`, bytesOf(frames[1]!).toString('hex')],
    ]);
  });

  it('cuts a frame longer than the snaplen and keeps its original length', () => {
    const f = frameOf(200, 4, [T0, 0]);
    const file = writeFile('pcap', (fd) => new PcapWriter(fd, { linkType: LINKTYPE.ETHERNET, snapLen: 96 }), [f]);
    const [p] = tshark(file);
    expect(p).toMatchObject({ len: 200, capLen: 96, hex: bytesOf(f, 96).toString('hex') });
  });

  it('is read by tcpdump without complaint', () => {
    const file = writeFile('pcap', (fd) => new PcapWriter(fd, { linkType: LINKTYPE.ETHERNET }), [frameOf(60, 0, [T0, 5_000])]);
    const r = spawnSync('tcpdump', ['-r', file, '-nn', '-tt'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    // One packet line (an unknown EtherType adds indented hex lines under it).
    expect(r.stdout.split('\n').filter((l) => /^\d/.test(l))).toHaveLength(1);
    expect(r.stdout).toMatch(new RegExp(`^${T0}\\.000005 `));
  });

  it('refuses a frame of another link type and a timestamp outside 32-bit seconds', () => {
    const w = new PcapWriter(new PassThrough(), { linkType: LINKTYPE.ETHERNET });
    expect(() => w.write(frameOf(60, 0, [T0, 0], { linkType: LINKTYPE.RAW }))).toThrow(RangeError);
    expect(() => w.write(frameOf(60, 0, [-1, 0]))).toThrow(RangeError);
    expect(() => w.write(frameOf(60, 0, [2 ** 32, 0]))).toThrow(RangeError);
  });
});

describe('PcapngWriter', () => {
  it('writes an SHB, then one IDB per interface carrying its link type, snaplen and if_tsresol', () => {
    const file = writeFile(
      'pcapng',
      (fd) => new PcapngWriter(fd, [{ linkType: LINKTYPE.ETHERNET }, { linkType: LINKTYPE.RAW, snapLen: 0, tsResolution: 'ns' }]),
      [],
    );
    const hex = readFileSync(file).toString('hex');
    const shb = '0a0d0d0a' + '1c000000' + '4d3c2b1a' + '0100' + '0000' + 'ffffffffffffffff' + '1c000000';
    const idb = (linkType: string, snapLen: string, tsresol: string): string =>
      '01000000' + '20000000' + linkType + '0000' + snapLen + '0900' + '0100' + tsresol + '000000' + '00000000' + '20000000';
    expect(hex).toBe(shb + idb('0100', '00000400', '06') + idb('6500', '00000000', '09'));
  });

  it('round-trips frames through tshark with their interface, link type, lengths and timestamps', () => {
    const frames = [
      frameOf(60, 1, [T0, 999_999_999]),
      frameOf(41, 2, [T0 + 7, 123_456_789], { ifIndex: 1, linkType: LINKTYPE.RAW, origLen: 1500 }),
      frameOf(63, 3, [T0 + 8, 1_001]),
    ];
    const file = writeFile('pcapng', (fd) => new PcapngWriter(fd, [{ linkType: LINKTYPE.ETHERNET }, { linkType: LINKTYPE.RAW, tsResolution: 'ns' }]), frames);
    expect(tshark(file).map(({ time, len, capLen, interfaceId, hex }) => ({ time, len, capLen, interfaceId, hex }))).toEqual([
      { time: `${T0}.999999000`, len: 60, capLen: 60, interfaceId: '0', hex: bytesOf(frames[0]!).toString('hex') },
      { time: `${T0 + 7}.123456789`, len: 1500, capLen: 41, interfaceId: '1', hex: bytesOf(frames[1]!).toString('hex') },
      { time: `${T0 + 8}.000001000`, len: 63, capLen: 63, interfaceId: '0', hex: bytesOf(frames[2]!).toString('hex') },
    ]);
  });

  it('splits 64-bit timestamps exactly, past 2^53 units, as BigInt arithmetic does', () => {
    const stamps: [number, number][] = [
      [0, 0],
      [T0, 1],
      [T0 + 240, 999_999_999],
      [0xffffffff, 999_999_999],
      [0x12345678, 876_543_210],
    ];
    for (const tsResolution of ['us', 'ns'] as const) {
      const frames = stamps.map((ts) => frameOf(4, 0, ts));
      const buf = readFileSync(writeFile('pcapng', (fd) => new PcapngWriter(fd, [{ linkType: LINKTYPE.ETHERNET, tsResolution }]), frames));
      const epbSize = 32 + 4;
      stamps.forEach(([sec, nsec], i) => {
        const at = 28 + 32 + i * epbSize;
        const units = tsResolution === 'ns' ? BigInt(sec) * 1_000_000_000n + BigInt(nsec) : BigInt(sec) * 1_000_000n + BigInt(Math.floor(nsec / 1000));
        expect((BigInt(buf.readUInt32LE(at + 12)) << 32n) | BigInt(buf.readUInt32LE(at + 16))).toBe(units);
      });
    }
  });

  it('pads frame data to 4 bytes with zeros and cuts frames at the interface snaplen', () => {
    const f = frameOf(70, 5, [T0, 0]);
    const buf = readFileSync(writeFile('pcapng', (fd) => new PcapngWriter(fd, [{ linkType: LINKTYPE.ETHERNET, snapLen: 65 }]), [f]));
    const epb = buf.subarray(28 + 32);
    expect(epb.readUInt32LE(4)).toBe(32 + 68);
    expect(epb.readUInt32LE(20)).toBe(65);
    expect(epb.readUInt32LE(24)).toBe(70);
    expect(epb.subarray(28, 28 + 65)).toEqual(bytesOf(f, 65));
    expect(epb.subarray(28 + 65, 28 + 68)).toEqual(Buffer.alloc(3));
    expect(epb.readUInt32LE(28 + 68)).toBe(32 + 68);
    expect(epb.length).toBe(32 + 68);
  });

  it('is read by tcpdump with nanosecond timestamps', () => {
    const file = writeFile('pcapng', (fd) => new PcapngWriter(fd, [{ linkType: LINKTYPE.ETHERNET, tsResolution: 'ns' }]), [frameOf(60, 0, [T0, 5_001])]);
    const r = spawnSync('tcpdump', ['-r', file, '-nn', '-tt', '--time-stamp-precision=nano'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${T0}\\.000005001 `));
  });

  it('refuses a frame on an interface it has not described, or of another link type', () => {
    const w = new PcapngWriter(new PassThrough(), [{ linkType: LINKTYPE.ETHERNET }]);
    expect(() => w.write(frameOf(60, 0, [T0, 0], { ifIndex: 1 }))).toThrow(RangeError);
    expect(() => w.write(frameOf(60, 0, [T0, 0], { linkType: LINKTYPE.RAW }))).toThrow(RangeError);
    expect(() => new PcapngWriter(new PassThrough(), [])).toThrow(RangeError);
  });
});

describe('writer targets', () => {
  /** Enough records to fill several 64 KiB chunks, and one record larger than a chunk. */
  const manyFrames = (): Frame[] => [
    ...Array.from({ length: 1500 }, (_, i) => frameOf(60 + (i % 50), i, [T0 + i, i * 1000])),
    frameOf(100_000, 7, [T0 + 2000, 0]),
    frameOf(60, 8, [T0 + 2001, 0]),
  ];

  for (const format of ['pcap', 'pcapng'] as const) {
    const make = (target: number | PassThrough): PcapWriter | PcapngWriter =>
      format === 'pcap' ? new PcapWriter(target, { linkType: LINKTYPE.ETHERNET }) : new PcapngWriter(target, [{ linkType: LINKTYPE.ETHERNET }]);

    it(`${format}: a Writable receives the same bytes as a file descriptor, across chunks and for a frame larger than one`, async () => {
      const frames = manyFrames();
      const fromFd = readFileSync(writeFile(format, make, frames));
      const stream = new PassThrough();
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      const w = make(stream);
      for (const f of frames) w.write(f);
      await w.end();
      expect(chunks.length).toBeGreaterThan(3);
      expect(Buffer.concat(chunks).equals(fromFd)).toBe(true);
      expect(tshark(writeFile(format, make, frames))).toHaveLength(frames.length);
    });

    it(`${format}: copies the frame at write time, so the source may reuse its buffer at once`, async () => {
      const f = frameOf(60, 1, [T0, 0]);
      const expected = bytesOf(f);
      const stream = new PassThrough();
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      const w = make(stream);
      w.write(f);
      f.buf.fill(0xaa);
      await w.end();
      expect(
        Buffer.concat(chunks)
          .subarray(-expected.length - (format === 'pcapng' ? 4 : 0))
          .subarray(0, expected.length),
      ).toEqual(expected);
    });
  }
});
