// dumpcap as the capture engine: where it is found, its command line, its messages, and its pcapng stream turned into capture records.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { frameTimeS } from '../../../src/frame';
import type { MergeHandlers } from '../../../src/capture/live/merge';
import { LiveMerge } from '../../../src/capture/live/merge';
import { dumpcapArgs, DumpcapStream } from '../../../src/capture/live/dumpcap';
import { locateDumpcap } from '../../../src/capture/live/dumpcap-locate';
import { classifyDumpcapError, dumpcapSawGone, isDumpcapChatter } from '../../../src/capture/live/dumpcap-messages';
import { DumpcapPipe } from '../../../src/capture/live/dumpcap-pipe';
import { BT, PcapngBuilder } from '../pcapng-builder';

describe('locateDumpcap', () => {
  it('takes the first dumpcap on PATH, then where Debian installs it', () => {
    const env = { PATH: '/opt/ws/bin:/usr/local/bin' };
    expect(locateDumpcap('linux', env, (p) => p === '/usr/local/bin/dumpcap' || p === '/usr/bin/dumpcap')).toBe('/usr/local/bin/dumpcap');
    expect(locateDumpcap('linux', { PATH: '/nowhere' }, (p) => p === '/usr/bin/dumpcap')).toBe('/usr/bin/dumpcap');
    expect(locateDumpcap('linux', { PATH: '' }, () => false)).toBeNull();
  });

  it("finds Wireshark's dumpcap.exe in Program Files on Windows, where the installer does not add it to PATH", () => {
    const env = { Path: 'C:\\Windows\\system32', ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)' };
    expect(locateDumpcap('win32', env, (p) => p === 'C:\\Program Files\\Wireshark\\dumpcap.exe')).toBe('C:\\Program Files\\Wireshark\\dumpcap.exe');
    expect(locateDumpcap('win32', env, (p) => p === 'C:\\Program Files (x86)\\Wireshark\\dumpcap.exe')).toBe('C:\\Program Files (x86)\\Wireshark\\dumpcap.exe');
    expect(locateDumpcap('win32', { ...env, Path: 'D:\\ws\\' }, (p) => p === 'D:\\ws\\dumpcap.exe')).toBe('D:\\ws\\dumpcap.exe');
  });

  it('finds it inside Wireshark.app on macOS', () => {
    expect(locateDumpcap('darwin', { PATH: '/usr/bin' }, (p) => p.startsWith('/Applications/'))).toBe('/Applications/Wireshark.app/Contents/MacOS/dumpcap');
  });
});

describe('dumpcapArgs', () => {
  it('asks for pcapng on stdout, the buffer in MiB (rounded up), cap’s snaplen, and the filter when there is one', () => {
    expect(dumpcapArgs({ device: 'eth0', filter: '', bufferBytes: 128 * 1024 * 1024 })).toEqual([
      '-i',
      'eth0',
      '-n',
      '-w',
      '-',
      '-q',
      '-s',
      '65535',
      '-B',
      '128',
    ]);
    expect(dumpcapArgs({ device: 'eth0', filter: 'arp or icmp', bufferBytes: 1000 })).toEqual([
      '-i',
      'eth0',
      '-n',
      '-w',
      '-',
      '-q',
      '-s',
      '65535',
      '-B',
      '1',
      '-f',
      'arp or icmp',
    ]);
  });
});

describe("dumpcap's messages", () => {
  // As dumpcap 4.0.17 (Debian 12) prints them.
  it('sorts open failures into the stable reasons', () => {
    expect(classifyDumpcapError(["Capturing on 'nope0'", 'dumpcap: There is no device named "nope0".', '(No such device exists)'])).toEqual({
      reason: 'no-device',
      message: 'There is no device named "nope0". (No such device exists)',
    });
    expect(
      classifyDumpcapError([
        'dumpcap: You do not have permission to capture on device "eth0".',
        '(socket: Operation not permitted)',
        'Please check to make sure you have sufficient permissions.',
      ])!.reason,
    ).toBe('permission');
    expect(
      classifyDumpcapError([
        'dumpcap: Invalid capture filter "bogus filter xx" for interface \'eth0\'.',
        '',
        "That string isn't a valid capture filter (can't parse filter expression: syntax error).",
      ]),
    ).toEqual({ reason: 'filter', message: 'Invalid capture filter "bogus filter xx" for interface \'eth0\'.' });
    expect(classifyDumpcapError(['something else'])).toBeNull();
  });

  it('tells its normal chatter (start, final counts, rewritten with a carriage return) from anything else', () => {
    for (const line of [
      "Capturing on 'eth0'",
      'File: -',
      '\rPackets captured: 10',
      "Packets received/dropped on interface 'eth0': 10/0 (pcap:0/dumpcap:0/flushed:0/ps_ifdrop:0) (100.0%)",
      '',
    ])
      expect(isDumpcapChatter(line)).toBe(true);
    expect(isDumpcapChatter('dumpcap: The network adapter on which the capture was being done is no longer running; the capture has stopped.')).toBe(false);
  });

  it('recognises an interface that went away under it', () => {
    expect(dumpcapSawGone(['dumpcap: The network adapter "tmp0" is no longer attached; the capture has stopped.'])).toBe(true);
    expect(dumpcapSawGone(['dumpcap: The network adapter on which the capture was being done is no longer running; the capture has stopped.'])).toBe(true);
    expect(dumpcapSawGone(['dumpcap: Error while capturing packets: something'])).toBe(false);
  });
});

/** A stream as dumpcap 4.0 writes it: SHB, IDB with nanosecond stamps, EPBs, and at its end an ISB (comment, start, end, ifrecv, ifdrop). */
function dumpcapStream(frames: { t: bigint; fill: number; len?: number }[], isb: { recv: number; drop: number } | null): Buffer {
  const b = new PcapngBuilder();
  b.shb().idb(1, 65535, { tsresol: 9 });
  for (const f of frames) b.epb(0, f.t, Buffer.alloc(f.len ?? 60, f.fill));
  if (isb !== null) {
    const option = (code: number, value: Buffer): Buffer =>
      Buffer.concat([b.u16(code), b.u16(value.length), value, Buffer.alloc(((value.length + 3) & ~3) - value.length)]);
    const u64 = (v: number): Buffer => {
      const x = Buffer.alloc(8);
      x.writeBigUInt64LE(BigInt(v));
      return x;
    };
    const last = frames.length > 0 ? frames[frames.length - 1]!.t : 0n;
    b.block(
      BT.ISB,
      Buffer.concat([
        b.u32(0),
        b.u32(Number(last >> 32n)),
        b.u32(Number(last & 0xffffffffn)),
        option(1, Buffer.from('Counters provided by dumpcap')),
        option(2, u64(1)),
        option(3, u64(2)),
        option(4, u64(isb.recv)),
        option(5, u64(isb.drop)),
        b.u16(0),
        b.u16(0),
      ]),
    );
  }
  return b.build();
}

const NS = 1_000_000_000n;
const T0 = 1_700_000_000n;

/** A DumpcapStream feeding a merge (stream 0), and what the merge hands on, as short strings. */
function rig(opts: { kernel?: () => number; latencyS?: number; mtu?: number; nowS?: number } = {}): { stream: DumpcapStream; log: string[] } {
  const merge = new LiveMerge(1);
  merge.open(0);
  const log: string[] = [];
  const handlers: MergeHandlers = {
    frame: (f) => log.push(`frame ${f.buf[f.off]} ${frameTimeS(f).toFixed(3)} len=${f.capLen}`),
    tick: (t) => log.push(`tick ${t.toFixed(3)}`),
    hello: (_i, _t, linkType, mtu) => log.push(`hello lt=${linkType} mtu=${mtu}`),
    stats: (_i, t, kernel, seen, seenAfter) => log.push(`stats ${t.toFixed(3)} ${kernel}/${seen}/${seenAfter}`),
    pcapStats: (_i, _t, delivered, dropped) => log.push(`pcap-stats ${delivered}/${dropped}`),
  };
  merge.attach(handlers);
  const stream = new DumpcapStream(
    { name: 'eth0', mtu: opts.mtu ?? 1500, kernelPackets: opts.kernel ?? null, statsS: 1, latencyS: opts.latencyS ?? 0.6, nowS: () => opts.nowS ?? Number(T0) },
    (records) => merge.push(0, records),
  );
  return { stream, log };
}

describe('DumpcapStream', () => {
  it('turns the stream into HELLO, frames with their kernel timestamps, and the final kernel counts, whatever the chunking', () => {
    const bytes = dumpcapStream(
      [
        { t: T0 * NS + 100_000_000n, fill: 1 },
        { t: T0 * NS + 250_000_000n, fill: 2, len: 1514 },
      ],
      { recv: 2, drop: 5 },
    );
    for (const step of [bytes.length, 1, 7, 64]) {
      const { stream, log } = rig();
      for (let at = 0; at < bytes.length; at += step) stream.push(bytes.subarray(at, at + step));
      stream.end();
      expect(stream.linkType).toBe(1);
      expect(stream.frames).toBe(2);
      expect(log).toEqual(['hello lt=1 mtu=1500', 'frame 1 1700000000.100 len=60', 'frame 2 1700000000.250 len=1514', 'pcap-stats 2/5']);
      expect(stream.statistics).toMatchObject({ ifIndex: 0, ifRecv: 2, ifDrop: 5, osDrop: -1 });
    }
  });

  it('ticks for the time the latency allowance vouches for once dumpcap has waited for packets that long, never going back', () => {
    const { stream, log } = rig({ latencyS: 0.5 });
    const now = Number(T0) + 10;
    stream.push(dumpcapStream([{ t: BigInt(now - 1) * NS, fill: 1 }], null));
    log.length = 0;
    stream.tick(now); // waiting since now: not yet for a whole allowance
    stream.tick(now + 0.5);
    stream.tick(now + 0.6);
    stream.tick(now + 0.55); // the clock went back: nothing earlier than the last tick
    stream.tick(now + 0.7, false); // busy: it may be writing a backlog of any age
    stream.tick(now + 0.8);
    stream.tick(now + 1.2);
    stream.tick(now + 1.3);
    expect(log).toEqual([`tick ${now.toFixed(3)}`, `tick ${(now + 0.1).toFixed(3)}`, `tick ${(now + 0.8).toFixed(3)}`]);
  });

  it('ticks for nearly now once the interface counters stood still for an allowance, and trusts them less after a frame they let pass', () => {
    const { stream, log } = rig({ latencyS: 0.4 });
    const now = Number(T0) + 10;
    const header = dumpcapStream([], null);
    stream.push(header);
    log.length = 0;
    const at = (d: number): string => `tick ${(now + d).toFixed(3)}`;
    stream.tick(now, true, 5, now);
    stream.tick(now + 0.2, true, 5, now + 0.2);
    stream.tick(now + 0.45, true, 5, now + 0.45); // still for an allowance: now + 0.45 - 0.01
    // A frame stamped at now + 0.3 comes after all: the counters counted it more than 0.15 s late.
    stream.push(dumpcapStream([{ t: BigInt(Math.round((now + 0.3) * 1e9)), fill: 2 }], null).subarray(header.length));
    stream.tick(now + 0.5, true, 5, now + 0.5); // the lag is now 0.3 s: now + 0.2, passed already
    stream.tick(now + 0.8, true, 5, now + 0.8);
    expect(log).toEqual([at(0.44), `frame 2 ${(now + 0.3).toFixed(3)} len=60`, at(0.5)]);
    expect(stream.watermark.lagS).toBeCloseTo(0.3, 6);
  });

  it('writes no tick before the interface description came', () => {
    const { stream, log } = rig();
    stream.tick(Number(T0));
    expect(log).toEqual([]);
  });

  it('compares a counter sample with the frames stamped before it (upper bound) and a little after it (lower bound)', () => {
    let kernel = 0;
    const { stream, log } = rig({ kernel: () => kernel, latencyS: 0.5 });
    const s = Number(T0);
    // The header, and frames up to s + 0.9.
    stream.push(
      dumpcapStream(
        [0.1, 0.5, 0.9].map((d, i) => ({ t: BigInt(Math.round((s + d) * 1e9)), fill: i })),
        null,
      ),
    );
    kernel = 5; // the counters read at s + 1.0 say 5 packets (3 captured, 1 more in flight, 1 lost)
    stream.tick(s + 1.0);
    // A frame stamped at s + 1.05 (in flight at the sample) and one at s + 1.2, past the settling time.
    const more = dumpcapStream(
      [
        { t: BigInt(Math.round((s + 1.05) * 1e9)), fill: 7 },
        { t: BigInt(Math.round((s + 1.2) * 1e9)), fill: 8 },
      ],
      null,
    );
    // Only its packet blocks: the header came already (the same dumpcap stream goes on).
    const shbIdb = dumpcapStream([], null).length;
    stream.push(more.subarray(shbIdb));
    expect(log.filter((l) => l.startsWith('stats'))).toEqual([`stats ${(s + 1.1).toFixed(3)} 5/3/4`]);
    // It comes after the frame in flight and before the one past the settling time.
    expect(log.slice(-3).map((l) => l.split(' ')[0])).toEqual(['frame', 'stats', 'frame']);
  });

  it('counts a frame longer than the MTU allows as the wire packets it carries (offload): no false loss', () => {
    let kernel = 0;
    const { stream, log } = rig({ kernel: () => kernel, mtu: 1500, latencyS: 0 });
    const s = Number(T0);
    // One UDP datagram of 3980 bytes merged by GRO: three 1480-byte segments on the wire.
    const big = Buffer.alloc(4014);
    big.writeUInt16BE(0x0800, 12);
    big[14] = 0x45;
    big[23] = 17;
    stream.push(dumpcapStream([], null));
    stream.tick(s); // a sample: nothing counted yet
    const b = new PcapngBuilder();
    b.epb(0, BigInt(s) * NS + 500_000_000n, big);
    stream.push(b.build());
    kernel = 3;
    stream.tick(s + 1); // the next sample: 3 packets counted
    stream.tick(s + 2);
    expect(log.filter((l) => l.startsWith('stats'))).toEqual([`stats ${(s + 0.1).toFixed(3)} 0/0/0`, `stats ${(s + 1.1).toFixed(3)} 3/3/3`]);
  });

  it('throws the reader’s error on a broken stream, after handing on every frame before it', () => {
    const { stream, log } = rig();
    const good = dumpcapStream([{ t: T0 * NS, fill: 3 }], null);
    const broken = Buffer.concat([good, Buffer.from([6, 0, 0, 0, 13, 0, 0, 0])]);
    expect(() => stream.push(broken)).toThrow(/byte 152: block \(type 0x6\) claims 13 bytes/);
    expect(log).toEqual(['hello lt=1 mtu=1500', 'frame 3 1700000000.000 len=60']);
  });
});

describe.skipIf(process.platform === 'win32')('DumpcapPipe', () => {
  it('hands on everything a writer put into the FIFO, in order, then its end once the writer exited and it was drained', async () => {
    const got: string[] = [];
    let ended = 0;
    const pipe = new DumpcapPipe(
      (chunk) => got.push(chunk.toString('latin1')),
      () => ended++,
    );
    const child = spawn('sh', ['-c', 'printf abc; sleep 0.2; printf def'], { stdio: ['ignore', pipe.writeFd, 'ignore'] });
    pipe.closeWriteEnd();
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    pipe.drain();
    expect(got.join('')).toBe('abcdef');
    // Read on its timer before the end: more than one read for the two writes 0.2 s apart.
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(ended).toBe(1);
    pipe.close();
  });
});
