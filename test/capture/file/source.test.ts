import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/frame';
import { InputError } from '../../../src/capture/input-error';
import type { ReadOptions, ReadProgress } from '../../../src/capture/file/source';
import { readCapturesTo } from '../../../src/capture/file/source';
import type { FrameRecord } from '../frame-log';
import { CORPUS, expectedOf, recordOf } from '../frame-log';

const good = (f: string): string => `${CORPUS}/good/${f}`;
const bad = (f: string): string => `${CORPUS}/bad/${f}`;

interface Run {
  frames: FrameRecord[];
  progress: ReadProgress[];
  error: unknown;
}

/** Where each record of a little-endian classic pcap ends, byte offsets. */
function recordEnds(pcap: Buffer): number[] {
  const ends: number[] = [];
  for (let off = 24; off < pcap.length; off += 16 + pcap.readUInt32LE(off + 8)) ends.push(off + 16 + pcap.readUInt32LE(off + 8));
  return ends;
}

async function run(names: string[], opts: ReadOptions = {}, sink?: (f: Frame) => void): Promise<Run> {
  const frames: FrameRecord[] = [];
  const progress: ReadProgress[] = [];
  let error: unknown = null;
  try {
    await readCapturesTo(
      names,
      (f) => {
        frames.push(recordOf(f));
        sink?.(f);
      },
      opts,
      (p) => progress.push(p),
    ).done;
  } catch (err) {
    error = err;
  }
  return { frames, progress, error };
}

/** A stdin stand-in: `bytes` in chunks of `size` (plain Uint8Arrays when `plain`). */
async function* chunked(bytes: Buffer, size: number, plain = false): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) {
    const part = bytes.subarray(i, i + size);
    yield plain ? new Uint8Array(part) : Buffer.from(part);
  }
}

/** Packet block types (EPB 6, SPB 3, PB 2) in file order: a 10-line walk, independent of the reader. */
function packetBlockTypes(file: Buffer): number[] {
  const types: number[] = [];
  let le = true;
  for (let off = 0; off + 12 <= file.length; ) {
    if (file.readUInt32LE(off) === 0x0a0d0d0a) le = file.readUInt32LE(off + 8) === 0x1a2b3c4d;
    const type = le ? file.readUInt32LE(off) : file.readUInt32BE(off);
    if (type === 2 || type === 3 || type === 6) types.push(type);
    off += le ? file.readUInt32LE(off + 4) : file.readUInt32BE(off + 4);
  }
  return types;
}

const MICROSECOND = 1e-6;

describe('every good corpus file', () => {
  for (const f of readdirSync(`${CORPUS}/good`).sort()) {
    it(`reads ${f}: as many frames as tshark, first and last times within 1 µs`, async () => {
      const exp = expectedOf(f);
      const { frames, error, progress } = await run([good(f)]);
      expect(error).toBeNull();
      expect(frames).toHaveLength(exp.packets!);
      const done = progress.at(-1)!;
      expect(done).toMatchObject({ file: good(f), done: true, frames: exp.packets, format: exp.format.format, gzip: f.endsWith('.gz') });

      // tshark shows no time for a Simple Packet Block (it has none), so its first_ts/last_ts
      // are those of the first and last packets with a time of their own; ours give an SPB the
      // previous packet's time instead (see pcapng.test.ts).
      let timed = frames;
      if (exp.format.format === 'pcapng') {
        const raw = readFileSync(good(f));
        const types = packetBlockTypes(f.endsWith('.gz') ? gunzipSync(raw) : raw);
        expect(types).toHaveLength(frames.length);
        timed = frames.filter((_, i) => types[i] !== 3);
      }
      const times = timed.map((r) => r.tsSec + r.tsNsec / 1e9);
      if (exp.first_ts == null) {
        expect(times).toEqual([]);
        return;
      }
      expect(Math.abs(times[0]! - exp.first_ts)).toBeLessThan(MICROSECOND);
      // tshark prints the last record of timestamp_invalid_nano.pcap (ns field 2^31) as
      // -1418145370.2147483648; tcpdump --nano as 1418145370.2147483648, the instant we give.
      const lastTs = f === 'timestamp_invalid_nano.pcap' ? 1418145372.147483648 : exp.last_ts!;
      expect(Math.abs(times.at(-1)! - lastTs)).toBeLessThan(MICROSECOND);
    });
  }

  it('gives each interface as many frames as tshark (single-section files, where its ids and ours agree)', async () => {
    for (const f of readdirSync(`${CORPUS}/good`).filter((f) => f.includes('.pcapng'))) {
      const exp = expectedOf(f);
      // tshark 4.0 numbers interfaces per section; our Frame.ifIndex counts across sections.
      if (exp.format.block_counts!.SHB! > 1) continue;
      const perInterface: Record<string, number> = {};
      for (const r of (await run([good(f)])).frames) perInterface[r.ifIndex] = (perInterface[r.ifIndex] ?? 0) + 1;
      const theirs = { ...exp.tshark.frames_per_interface };
      delete theirs['']; // tshark 4.0 shows each Custom Block as a frame with no interface
      expect(perInterface, f).toEqual(theirs);
    }
  });
});

/**
 * Each bad file: where the InputError must point, how many frames come before it, and what the
 * reason must say. Offsets are the corpus structure walker's ("structure_problem"; 0 for a
 * header or magic). Frames are what tshark and tcpdump read before the damage where they agree;
 * `why` says which one the file's bytes support where they do not.
 */
const BAD: Record<string, { offset: number; frames: number; reason: RegExp; why?: string }> = {
  'corrupt-blocklen-pcapng-test-generator-le-basic-test001-at876.pcapng': {
    offset: 872,
    frames: 2,
    reason: /^block \(type 0x6\) claims 2147483638 bytes, not a multiple of 4$/,
  },
  'corrupt-caplen-communityid_arp-at166.pcap': {
    offset: 158,
    frames: 2,
    reason: /^record claims 2147483632 bytes, more than the 262144-byte maximum for link type 1$/,
  },
  'corrupt-magic-arp-who-has-at0.pcap': { offset: 0, frames: 0, reason: /^not a pcap or pcapng file \(magic 0xd4c3b2a0\)$/ },
  'corrupt-snaplen-LINKTYPE_RAW_ipv4-at16.pcap': { offset: 24, frames: 0, reason: /^record claims 16777215 bytes, more than the 262144-byte maximum/ },
  'corrupt-trailer-pcapng-test-generator-le-basic-test011-at1540.pcapng': {
    offset: 1168,
    frames: 3,
    reason: /^block \(type 0x6\) ends with length 380, its header says 376$/,
  },
  // tshark takes an empty file for an empty ERF capture (no error); tcpdump refuses it for
  // want of a header, as we do. Both read 0 frames.
  'empty-file.pcap': { offset: 0, frames: 0, reason: /^empty input: no capture file header$/ },
  'pcap-invalid-version-1.pcap': { offset: 0, frames: 0, reason: /^unsupported pcap version 1\.4/ },
  'pcap-invalid-version-2.pcap': {
    offset: 0,
    frames: 0,
    reason: /^unsupported pcap version 2\.5/,
    why: 'tshark reads version 2.5 (1 frame); tcpdump refuses it ("unsupported pcap savefile version 2.5") and we follow tcpdump',
  },
  'pcapng-invalid-vers-1.pcapng': { offset: 0, frames: 0, reason: /^unsupported pcapng version 0\.1/ },
  'shb-option-too-long.pcapng': { offset: 0, frames: 0, reason: /^block \(type 0xa0d0d0a\) ends with length 808464432, its header says 52$/ },
  'truncated-eapon1-at7771.pcap': { offset: 7700, frames: 57, reason: /^record claims 110 bytes, only 55 left$/ },
  'truncated-http_iso-download-at3800.pcap.gz': {
    offset: 157336,
    frames: 126,
    reason: /^record claims 1514 bytes, only 26 left \(offset in the decompressed stream\)$/,
    why: 'tcpdump cannot read gzip at all ("unknown file format"); tshark reads 126 frames before the cut',
  },
  'truncated-icmp_dot1q-at12.pcap': { offset: 0, frames: 0, reason: /^pcap file header cut short: 12 of 24 bytes$/ },
  'truncated-linuxsll-arp-at500.pcap': { offset: 492, frames: 6, reason: /^record header cut short: 8 of 16 bytes$/ },
  'truncated-nmap-vsn-at17907.pcap': { offset: 17870, frames: 300, reason: /^record claims 42 bytes, only 21 left$/ },
  'truncated-pcapng-multi-interface-at932.pcapng': { offset: 828, frames: 3, reason: /^block \(type 0x6\) claims 200 bytes, only 104 left$/ },
  'truncated-pcapng-test-generator-le-difficult-test202-at2052.pcapng': {
    offset: 1968,
    frames: 6,
    reason: /^block \(type 0x6\) claims 160 bytes, only 84 left$/,
    why:
      'tshark says 8 because 4.0 shows each of the 2 Custom Blocks before the cut as a frame (its capinfos: "after reading 6 packets"); ' +
      'tcpdump says 0 because it stops at the first interface whose link type differs; the bytes before the cut hold EPB 4 + SPB 2',
  },
  'truncated-pptp-at304.pcap': { offset: 258, frames: 3, reason: /^record claims 60 bytes, only 30 left$/ },
  'truncated-rarp_req_reply-at254.pcapng': { offset: 212, frames: 1, reason: /^block \(type 0x6\) claims 76 bytes, only 42 left$/ },
  'truncated-tcp-handshake-nano-at258.pcap': { offset: 208, frames: 2, reason: /^record claims 68 bytes, only 34 left$/ },
  'truncated-vlan-pcp-dei-at20.pcapng': {
    offset: 0,
    frames: 0,
    reason: /^block \(type 0xa0d0d0a\) claims 212 bytes, only 20 left$/,
    why: 'tshark shows the 20 bytes as one "MIME file" frame, not a packet; tcpdump refuses the cut section header',
  },
  'tunnels_geneve.README': { offset: 0, frames: 0, reason: /^not a pcap or pcapng file \(magic 0x54686520\)$/ },
};

describe('every bad corpus file', () => {
  it('is in the table', () => {
    expect(Object.keys(BAD).sort()).toEqual(readdirSync(`${CORPUS}/bad`).sort());
  });

  for (const [f, want] of Object.entries(BAD)) {
    it(`fails on ${f} at byte ${want.offset} after ${want.frames} frame(s)`, async () => {
      const { frames, error } = await run([bad(f)]);
      expect(error).toBeInstanceOf(InputError);
      const err = error as InputError;
      expect(frames).toHaveLength(want.frames);
      expect([err.file, err.offset]).toEqual([bad(f), want.offset]);
      expect(err.description).toMatch(want.reason);
      expect(err.message).toBe(`${bad(f)}: byte ${want.offset}: ${err.description}`);
      expect(err.message).not.toContain('\n');
    });
  }

  it('fails where the corpus structure walker found the damage', () => {
    for (const [f, want] of Object.entries(BAD)) {
      const problem = expectedOf(f).structure_problem;
      const at = problem == null || problem.startsWith('file header') ? 0 : Number(/offset (\d+)/.exec(problem)![1]);
      expect(want.offset, f).toBe(at);
    }
  });

  it('delivers what tshark and tcpdump read before the damage, wherever the two agree', () => {
    for (const [f, want] of Object.entries(BAD)) {
      const exp = expectedOf(f);
      const tshark = exp.tshark.frames_read;
      const tcpdump = exp.tcpdump.packets ?? 0; // null: tcpdump read no packet at all
      if (want.why === undefined) expect([tshark, tcpdump], f).toEqual([want.frames, want.frames]);
      else expect(tshark !== tcpdump || tshark !== want.frames, f).toBe(true);
    }
  });
});

describe('readCapturesTo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-source-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads several inputs one after another as one timeline, with stats per input', async () => {
    const a = good('arp-who-has.pcap');
    const b = good('rarp_req_reply.pcapng');
    const c = good('http_iso-download.pcap.gz');
    const stdin = chunked(readFileSync(good('communityid_arp.pcap')), 100);
    const { frames, progress, error } = await run([a, '-', b, c], { stdin });
    expect(error).toBeNull();
    expect(frames).toHaveLength(2 + 6 + 2 + 289);
    expect(frames.slice(0, 2)).toEqual((await run([a])).frames);
    expect(frames.slice(8, 10)).toEqual((await run([b])).frames);
    const done = progress.filter((p) => p.done);
    expect(done.map((p) => [p.file, p.format, p.gzip, p.frames, p.linkTypes])).toEqual([
      [a, 'pcap', false, 2, [1]],
      ['-', 'pcap', false, 6, [1]],
      [b, 'pcapng', false, 2, [1]],
      [c, 'pcap', true, 289, [1]],
    ]);
    expect(done.map((p) => p.bytesRead)).toEqual([a, good('communityid_arp.pcap'), b, c].map((p) => statSync(p).size));
    expect(done[3]!.bytesParsed).toBe(gunzipSync(readFileSync(c)).length);
  });

  it('reads the inputs after a damaged one: every frame before the damage, all of the rest, then the first damage as the error', async () => {
    const later = await run([good('pptp.pcap')]);
    const names = [good('arp-who-has.pcap'), bad('truncated-pptp-at304.pcap'), '-', bad('truncated-eapon1-at7771.pcap'), good('pptp.pcap')];
    const reading = readCapturesTo(names, () => undefined, { stdin: chunked(readFileSync(good('arp-who-has.pcap')), 10) });
    const rejected = reading.done.then(
      () => null,
      (err: unknown) => err,
    );
    const { frames, error, progress } = await run(names, { stdin: chunked(readFileSync(good('arp-who-has.pcap')), 10) });
    expect(frames).toHaveLength(2 + 3 + 2 + 57 + later.frames.length);
    expect(frames.slice(-later.frames.length)).toEqual(later.frames);
    expect((error as InputError).file).toBe(bad('truncated-pptp-at304.pcap'));
    // A damaged input is not reported as read to its end.
    expect(progress.filter((p) => p.done).map((p) => p.file)).toEqual([good('arp-who-has.pcap'), '-', good('pptp.pcap')]);
    expect(await rejected).toBe(reading.damaged[0]);
    expect(reading.damaged.map((e) => [e.file, e.reason])).toEqual([
      [bad('truncated-pptp-at304.pcap'), 'record-cut-short'],
      [bad('truncated-eapon1-at7771.pcap'), 'record-cut-short'],
    ]);
  });

  it('emits progress per chunk read, never per frame', async () => {
    const f = good('smb_smb3_multichannel.pcap'); // 2.6 MB, 1448 frames
    const size = statSync(f).size;
    for (const readBytes of [1024 * 1024, 64 * 1024]) {
      const { progress } = await run([f], { readBytes });
      expect(progress).toHaveLength(Math.ceil(size / readBytes) + 1);
      expect(progress.slice(0, -1).every((p) => !p.done)).toBe(true);
      expect(progress.at(-1)).toMatchObject({ done: true, frames: 1448, bytesRead: size, bytesParsed: size });
      const counts = progress.map((p) => p.frames);
      expect(counts).toEqual([...counts].sort((x, y) => x - y));
    }
  });

  it('reads no further while holdBack has a promise pending, for a file and for stdin', async () => {
    const f = good('smb_smb3_multichannel.pcap'); // 2.6 MB
    for (const source of [{ names: [f] }, { names: ['-'], stdin: chunked(readFileSync(f), 64 * 1024) }]) {
      let release: (() => void) | null = null;
      let chunks = 0;
      const held: number[] = [];
      const frames: number[] = [];
      const progress: ReadProgress[] = [];
      const { done } = readCapturesTo(
        source.names,
        () => frames.push(1),
        {
          readBytes: 256 * 1024,
          stdin: source.stdin,
          // Every other chunk, hold the reading back until the test lets it go.
          holdBack: () => (++chunks % 2 === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined),
        },
        (p) => progress.push(p),
      );
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (release === null) break;
        held.push(frames.length);
        await new Promise((resolve) => setTimeout(resolve, 5));
        expect(frames.length, 'no frame while held').toBe(held.at(-1));
        const go: () => void = release;
        release = null;
        go();
      }
      await done;
      expect(progress.at(-1)).toMatchObject({ done: true, frames: 1448 });
      expect(frames).toHaveLength(1448);
      expect(held.length).toBeGreaterThan(2);
    }
  });

  it('reads a file through one reused buffer: frames point into it (or into the carry)', async () => {
    const buffers = new Set<Buffer>();
    const { error } = await run([good('smb_smb3_multichannel.pcap')], { readBytes: 64 * 1024 }, (f) => buffers.add(f.buf));
    expect(error).toBeNull();
    expect(buffers.size).toBe(2);
  });

  it('reads `-` from the stdin stream in chunks of any size, Buffers or plain Uint8Arrays', async () => {
    for (const f of ['communityid_arp.pcap', 'pcapng-test-generator-le-difficult-test202.pcapng', 'portmapper-many-unanswered-calls.pcapng.gz']) {
      const fromFile = await run([good(f)]);
      const bytes = readFileSync(good(f));
      for (const [size, plain] of [
        [1, false],
        [3, true],
        [4096, false],
      ] as const) {
        const fromStdin = await run(['-'], { stdin: chunked(bytes, size, plain) });
        expect(fromStdin.error).toBeNull();
        expect(fromStdin.frames).toEqual(fromFile.frames);
      }
    }
  });

  it('reads `-` from a shell pipe (a FIFO, read like a file) to the same frames and errors as from the file', async () => {
    const viaPipe = (f: string): unknown[] =>
      execFileSync('sh', ['-c', 'cat "$1" | "$2" --import tsx "$3"', 'sh', f, process.execPath, join(__dirname, '..', 'stdin-frames.ts')], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      })
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
    for (const f of [good('smb_smb3_multichannel.pcap'), good('portmapper-many-unanswered-calls.pcapng.gz')]) {
      expect(viaPipe(f)).toEqual((await run([f])).frames);
    }
    const damaged = viaPipe(bad('truncated-eapon1-at7771.pcap'));
    expect(damaged).toHaveLength(57 + 1);
    expect(damaged.at(-1)).toEqual({ error: '-: byte 7700: record claims 110 bytes, only 55 left' });
  });

  /** A shell writing `script` (with $1 the test's folder) into the FIFO, its only writer. */
  function spawnWriter(fifo: string, script: string): ChildProcess {
    // Opened read-write so that the open does not wait for a reader; closed here once the child
    // has it, or the FIFO would never reach its end.
    const fd = openSync(fifo, 'r+');
    const child = spawn('sh', ['-c', script, 'sh', dir], { stdio: ['ignore', fd, 'inherit'] });
    closeSync(fd);
    return child;
  }

  it('reads a FIFO by name through its reader thread: the same frames, each as soon as the writer sent it', async () => {
    const f = good('smb_smb3_multichannel.pcap'); // 2.6 MB
    const bytes = readFileSync(f);
    const half = Math.floor(bytes.length / 2);
    const fifo = join(dir, 'capture.fifo');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(join(dir, 'first'), bytes.subarray(0, half));
    writeFileSync(join(dir, 'second'), bytes.subarray(half));
    // The writer sends half the file, waits half a second, then sends the rest.
    const writer = spawnWriter(fifo, 'cat "$1/first"; sleep 0.5; cat "$1/second"');
    const arrivals: number[] = [];
    const start = Date.now();
    const { frames, error } = await run([fifo], {}, () => arrivals.push(Date.now() - start));
    writer.kill();
    expect(error).toBeNull();
    expect(frames).toEqual((await run([f])).frames);
    // The frames of the first half were handled before the writer's pause ended.
    const firstHalf = recordEnds(bytes).filter((end) => end <= half).length;
    expect(arrivals[firstHalf - 1]!).toBeLessThan(arrivals.at(-1)! - 300);
  });

  it('stops reading a FIFO whose writer went quiet when cancelled, without waiting for it', async () => {
    const bytes = readFileSync(good('smb_smb3_multichannel.pcap'));
    const fifo = join(dir, 'quiet.fifo');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(join(dir, 'some'), bytes.subarray(0, 100_000));
    const writer = spawnWriter(fifo, 'cat "$1/some"; exec sleep 30');
    let seen = 0;
    const reading = readCapturesTo([fifo], () => {
      if (++seen === 10) setImmediate(() => reading.cancel());
    });
    await reading.done;
    writer.kill();
    expect(seen).toBeGreaterThanOrEqual(10);
  });

  it('reports damage on stdin like in a file, with the name `-`', async () => {
    const { frames, error } = await run(['-'], { stdin: chunked(readFileSync(bad('truncated-eapon1-at7771.pcap')), 1000) });
    expect(frames).toHaveLength(57);
    expect((error as InputError).message).toBe('-: byte 7700: record claims 110 bytes, only 55 left');
  });

  it('ends a gzip stream cut anywhere with an InputError, never a hang', async () => {
    const gz = readFileSync(good('http_iso-download.pcap.gz'));
    let before = 0;
    for (const n of [1, 2, 3, 10, 18, 19, ...Array.from({ length: 30 }, (_, i) => 40 + i * 250), gz.length - 8, gz.length - 1]) {
      const { frames, error } = await run(['-'], { stdin: chunked(gz.subarray(0, n), 512) });
      expect(error, `cut at ${n}`).toBeInstanceOf(InputError);
      const err = error as InputError;
      expect(err.description).toMatch(n < 2 ? /^not a pcap or pcapng file/ : /\(offset in the decompressed stream\)$/);
      expect(frames.length).toBeGreaterThanOrEqual(before);
      before = frames.length;
    }
    expect(before).toBe(289); // cut in the gzip trailer: every frame, then the error
  });

  it('names the cut when a gzip stream ends at a record boundary', async () => {
    const gz = readFileSync(good('http_iso-download.pcap.gz'));
    const { frames, error } = await run(['-'], { stdin: chunked(gz.subarray(0, gz.length - 4), 4096) });
    expect(frames).toHaveLength(289);
    const size = gunzipSync(gz).length;
    expect([(error as InputError).offset, (error as InputError).description]).toEqual([size, 'gzip stream cut short (offset in the decompressed stream)']);
  });

  it('reports damaged gzip data after the frames zlib delivered before it (all but its last 16 KiB), from a file or stdin', async () => {
    const pcapBytes = readFileSync(good('smb_smb3_multichannel.pcap')); // 2.6 MB
    const gz = gzipSync(pcapBytes);
    gz[gz.length - 8]! ^= 0xff; // the CRC-32 of the trailer
    const path = join(dir, 'bad-crc.pcap.gz');
    writeFileSync(path, gz);
    const ends = recordEnds(pcapBytes);
    // A file is decompressed in 256 KiB chunks, then again in 16 KiB chunks from where the damage
    // cut the first pass short; stdin in 16 KiB chunks from the start. zlib drops the output of
    // the inflate call that found the damage, at most one 16 KiB chunk; every record that ends
    // in what it did deliver is delivered once, unchanged.
    expect(pcapBytes.length).toBeGreaterThan(2 * 256 * 1024);
    for (const { frames, error } of [await run([path]), await run(['-'], { stdin: chunked(gz, 4096) })]) {
      const err = error as InputError;
      expect(err.description).toBe('gzip data damaged: incorrect data check (offset in the decompressed stream)');
      expect(err.offset).toBeGreaterThanOrEqual(pcapBytes.length - 16 * 1024);
      expect(frames).toHaveLength(ends.filter((end) => end <= err.offset).length);
      expect(frames).toEqual((await run([good('smb_smb3_multichannel.pcap')])).frames.slice(0, frames.length));
    }

    const header = Buffer.from([0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0]); // compression method 7
    const { error: err2 } = await run(['-'], { stdin: chunked(header, 10) });
    expect((err2 as InputError).description).toMatch(/^gzip data damaged: unknown compression method/);
  });

  it('keeps every frame before trailing garbage after the gzip data, as gzip -d does, then names it in one line', async () => {
    for (const name of ['arp-who-has.pcap', 'smb_smb3_multichannel.pcap']) {
      const pcapBytes = readFileSync(good(name)); // 0.1 KB and 2.6 MB: one read, and many
      const path = join(dir, `garbage-${name}.gz`);
      writeFileSync(path, Buffer.concat([gzipSync(pcapBytes), Buffer.from('this is not gzip\n')]));
      const whole = await run([good(name)]);
      const { frames, error } = await run([path]);
      expect(frames).toEqual(whole.frames);
      expect(error).toBeInstanceOf(InputError);
      expect([(error as InputError).offset, (error as InputError).reason]).toEqual([pcapBytes.length, 'gzip-trailing-garbage']);
      expect((error as InputError).message).toBe(
        `${path}: byte ${pcapBytes.length}: trailing garbage after the gzip data ignored (offset in the decompressed stream)`,
      );
    }
    // The inputs after it are read all the same, from a file and from stdin.
    const pcapBytes = readFileSync(good('arp-who-has.pcap'));
    const garbage = join(dir, 'garbage-then-more.pcap.gz');
    writeFileSync(garbage, Buffer.concat([gzipSync(pcapBytes), Buffer.from('this is not gzip\n')]));
    const next = await run([good('pptp.pcap')]);
    for (const [names, stdin] of [
      [[garbage, good('pptp.pcap')], undefined],
      [['-', good('pptp.pcap')], chunked(readFileSync(garbage), 7)],
    ] as const) {
      const { frames, error } = await run([...names], stdin === undefined ? {} : { stdin });
      expect(frames).toEqual([...(await run([good('arp-who-has.pcap')])).frames, ...next.frames]);
      expect((error as InputError).reason).toBe('gzip-trailing-garbage');
    }
    // Zeros after the data are what tape blocking leaves: zlib skips them, and so does gzip -d, silently.
    const zeros = join(dir, 'zeros.pcap.gz');
    writeFileSync(zeros, Buffer.concat([gzipSync(readFileSync(good('arp-who-has.pcap'))), Buffer.alloc(512)]));
    expect((await run([zeros])).error).toBe(null);
  });

  it('names a record cut by trailing garbage before the garbage itself', async () => {
    const pcapBytes = readFileSync(good('arp-who-has.pcap'));
    const path = join(dir, 'cut-then-garbage.pcap.gz');
    writeFileSync(path, Buffer.concat([gzipSync(pcapBytes.subarray(0, pcapBytes.length - 5)), Buffer.from('garbage')]));
    const { frames, error } = await run([path]);
    expect(frames).toHaveLength(1);
    expect((error as InputError).reason).toBe('record-cut-short');
  });

  it('reports damage inside a gzip-compressed capture at its decompressed offset, read from a file or stdin', async () => {
    const gz = gzipSync(readFileSync(bad('corrupt-caplen-communityid_arp-at166.pcap')));
    const path = join(dir, 'corrupt-caplen.pcap.gz');
    writeFileSync(path, gz);
    for (const [name, opts] of [
      [path, {}],
      ['-', { stdin: chunked(gz, 7) }],
    ] as const) {
      const { frames, error } = await run([name], opts);
      expect(frames).toHaveLength(2);
      expect((error as InputError).message).toBe(
        `${name}: byte 158: record claims 2147483632 bytes, more than the 262144-byte maximum for link type 1 (offset in the decompressed stream)`,
      );
    }
  });

  it('passes an error thrown by the sink through unchanged, plain or gzip', async () => {
    const boom = new Error('sink failed');
    for (const f of ['pptp.pcap', 'http_iso-download.pcap.gz']) {
      let calls = 0;
      const { error } = await run([good(f)], {}, () => {
        if (++calls === 3) throw boom;
      });
      expect(error).toBe(boom);
      expect(calls).toBe(3);
    }
  });

  it('reads a cut .gz file to the same error as the corpus oracle', async () => {
    const gz = readFileSync(bad('truncated-http_iso-download-at3800.pcap.gz'));
    const { frames, error } = await run(['-'], { stdin: chunked(gz, 1) });
    expect(frames).toHaveLength(126);
    expect((error as InputError).offset).toBe(157336);
  });

  it('turns a missing file or a directory into a one-line InputError at byte 0', async () => {
    const missing = join(dir, 'nope.pcap');
    let { error } = await run([missing]);
    expect((error as InputError).message).toBe(`${missing}: byte 0: cannot open: no such file`);
    ({ error } = await run([dir]));
    expect((error as InputError).message).toBe(`${dir}: byte 0: cannot read: is a directory`);
  });

  it('sniffs the format from the bytes, not the name', async () => {
    const path = join(dir, 'really-pcapng.pcap');
    writeFileSync(path, readFileSync(good('rarp_req_reply.pcapng')));
    const { frames, progress } = await run([path]);
    expect(frames).toHaveLength(2);
    expect(progress.at(-1)!.format).toBe('pcapng');
  });

  it('says how short an input of 1 to 3 bytes is', async () => {
    const { error } = await run(['-'], { stdin: chunked(Buffer.from([0xd4, 0xc3, 0xb2]), 1) });
    expect((error as InputError).description).toBe('not a pcap or pcapng file: only 3 byte(s)');
  });

  it('stops reading once cancelled: no more frames or progress, and done resolves', async () => {
    let count = 0;
    let progressed = 0;
    const f = good('smb_smb3_multichannel.pcap');
    const reading = readCapturesTo(
      [f, f],
      () => count++,
      { readBytes: 16 * 1024 },
      () => {
        if (++progressed === 3) reading.cancel();
      },
    );
    await reading.done;
    const atCancel = count;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([count, progressed]).toEqual([atCancel, 3]);
    expect(count).toBeLessThan(1448);
  });
});
