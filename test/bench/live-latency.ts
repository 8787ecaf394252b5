// The bench's live latency measures (issue 16): how late each engine's alerts come through silence and when a frame raises them, and how late dumpcap hands frames to netgap.

/*
 * Method.
 * - Alerts (silence-trial.ts, live.ts's LATENCY_TRIALS per engine, the engines interleaved): a new
 *   `netgap live -i sw-a --json` with short ARP-gap thresholds and `--idle 1.5`; host a pings b 20
 *   times at 0.05 s, then the lab is silent: both stations' arp-gap-warning fall due about 0.9 s
 *   into the silence and capture-idle 1.5 s into it (timer alerts, raised by ticks); then one ping
 *   past the threshold (two arp-gap-expired) and an ARP announcement (arp-gap-recovered), alerts
 *   raised by the frame itself. Latency: when the line reached the reader minus the alert's `ts`.
 * - Frames (dumpcap only): dumpcap on sw-a writes into a FIFO read by netgap's own DumpcapPipe
 *   and DumpcapStream, as in `netgap live`; for each frame, the live clock when the stream handed
 *   it on minus its kernel timestamp. Pings at 10, 40 and 100 frames/s on sw-a for 8 s each, then
 *   bursts of 100, 2,000 and 20,000 small frames at tcpreplay's top speed, 6 of each, where the
 *   last frame of each burst is the one that waits for the kernel's block timeout.
 */

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { anchorClock, LiveClock } from '../../src/capture/live/clock';
import { DUMPCAP_LATENCY_S, DumpcapStream, dumpcapArgs } from '../../src/capture/live/dumpcap';
import { locateDumpcap } from '../../src/capture/live/dumpcap-locate';
import { DumpcapPipe } from '../../src/capture/live/dumpcap-pipe';
import { RECORD, RECORD_HLEN } from '../../src/capture/live/stream';
import type { Lab } from '../live/lab';
import { burstFile, finished, HOST_B, sleep, toolMissing } from '../live/lab';
import { p50max, silenceTrial } from '../live/silence-trial';

export type LatencyEngine = 'dumpcap' | 'cap';

export interface EngineLatency {
  readonly engine: LatencyEngine;
  readonly trials: number;
  /** Seconds, line arrival minus `ts`. */
  readonly timer: number[];
  readonly frame: number[];
  /** Frames handled late over all trials (ts_backwards). */
  readonly late: number;
}

/** Lateness of frames through dumpcap, seconds, per traffic pattern; `last`: only the last frame of each burst. */
export interface Lateness {
  readonly what: string;
  readonly seconds: number[];
}

export type LatencyResult = { engines: EngineLatency[]; lateness: Lateness[] } | { notMeasured: string };

/** Alert latency per engine, then dumpcap's frame lateness, in `lab` (idle, offloads as they are). */
export async function measureLatency(lab: Lab, engines: readonly LatencyEngine[], trials: number, log: (line: string) => void): Promise<LatencyResult> {
  const missing = toolMissing('ping', 'arping');
  if (missing !== null) return { notMeasured: missing };
  const results = engines.map((engine) => ({ engine, trials: 0, timer: [] as number[], frame: [] as number[], late: 0 }));
  for (let i = 0; i < trials; i++) {
    for (let k = 0; k < results.length; k++) {
      const r = results[(k + i) % results.length]!;
      log(`live latency: trial ${i + 1} of ${trials}, ${r.engine} ...`);
      const t = await silenceTrial(lab, r.engine);
      if (t.exit !== 0) throw new Error(`netgap live exited ${t.exit}: ${t.stderr}`);
      r.trials++;
      r.timer.push(...t.timer.map((a) => a.latencyS));
      r.frame.push(...t.frame.map((a) => a.latencyS));
      r.late += Math.max(0, t.tsBackwards);
    }
  }
  const lateness = engines.includes('dumpcap') ? await dumpcapLateness(lab, log) : [];
  return { engines: results, lateness };
}

async function dumpcapLateness(lab: Lab, log: (line: string) => void): Promise<Lateness[]> {
  const clock = new LiveClock(anchorClock());
  let seconds: number[] = [];
  const stream = new DumpcapStream(
    { name: 'sw-a', mtu: 1500, kernelPackets: null, statsS: 1, latencyS: DUMPCAP_LATENCY_S, nowS: () => clock.nowS() },
    (records) => {
      const now = clock.nowS();
      for (let at = 0; at + RECORD_HLEN <= records.length; at += RECORD_HLEN + records.readUInt32LE(at + 8)) {
        if (records.readUInt16LE(at + 12) === RECORD.FRAME) seconds.push(now - (records.readUInt32LE(at) + records.readUInt32LE(at + 4) / 1e9));
      }
    },
  );
  const pipe = new DumpcapPipe(
    (chunk) => stream.push(chunk),
    () => undefined,
  );
  const args = dumpcapArgs({ device: 'sw-a', filter: '', bufferBytes: 128 * 1024 * 1024 });
  const dumpcap = spawn('ip', ['netns', 'exec', lab.sw, locateDumpcap()!, ...args], { stdio: ['ignore', pipe.writeFd, 'ignore'] });
  pipe.closeWriteEnd();
  const out: Lateness[] = [];
  try {
    await sleep(2000);
    for (const interval of [0.2, 0.05, 0.02]) {
      log(`live latency: dumpcap frames, pings every ${interval} s ...`);
      seconds = [];
      await finished(lab.spawn(lab.a, ['ping', '-q', '-c', String(Math.round(8 / interval)), '-i', String(interval), HOST_B]));
      await sleep(800);
      out.push({ what: `pings, ${Math.round(2 / interval)} frames/s`, seconds });
    }
    if (toolMissing('tcpreplay') === null) {
      const file = join(lab.dir, 'lateness.pcap');
      for (const size of [100, 2000, 20_000]) {
        log(`live latency: dumpcap frames, bursts of ${size} ...`);
        burstFile(file, size);
        const last: number[] = [];
        for (let i = 0; i < 6; i++) {
          seconds = [];
          // In the background: a blocking spawn would hold back the reader being timed.
          await finished(lab.spawn(lab.a, ['tcpreplay', '-q', '-i', 'eth0', '--topspeed', file]));
          await sleep(700 + 100 * i);
          if (seconds.length > 0) last.push(Math.max(...seconds));
        }
        out.push({ what: `bursts of ${size} at top speed, last frame`, seconds: last });
      }
    }
  } finally {
    dumpcap.kill('SIGTERM');
    await finished(dumpcap);
    pipe.drain();
    pipe.close();
  }
  return out;
}

const ms = (s: number): string => (Number.isNaN(s) ? '-' : (s * 1000).toFixed(0));

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** The report's latency tables. */
export function latencyTable(result: LatencyResult): string[] {
  if ('notMeasured' in result) return [`Alert latency: not measured: ${result.notMeasured}`];
  const lines = [
    'Alert latency (line arrival minus ts; timer alerts about 0.9 and 1.5 s into a silence, alerts raised by a frame after it):',
    '',
    '| engine | trials | timer alerts through silence, ms (p50 / max) | alerts raised by a frame, ms (p50 / max) | late frames |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const e of result.engines) {
    const t = p50max(e.timer);
    const f = p50max(e.frame);
    lines.push(`| ${e.engine} | ${e.trials} | ${ms(t.p50)} / ${ms(t.max)} (${e.timer.length}) | ${ms(f.p50)} / ${ms(f.max)} (${e.frame.length}) | ${e.late} |`);
  }
  if (result.lateness.length > 0) {
    lines.push(
      '',
      'dumpcap: kernel timestamp to the frame handed on by netgap’s reader, ms:',
      '',
      '| traffic | frames | p50 | p90 | p99 | max |',
      '| --- | --- | --- | --- | --- | --- |',
      ...result.lateness.map(
        (l) => `| ${l.what} | ${l.seconds.length} | ${[0.5, 0.9, 0.99].map((q) => ms(quantile(l.seconds, q))).join(' | ')} | ${ms(Math.max(...l.seconds))} |`,
      ),
    );
  }
  return lines;
}

/** The goal: timer alerts through silence within 100 ms of their time, with every engine. */
export function latencyTarget(result: LatencyResult): string {
  const what = '- timer alerts through silence within 100 ms of their packet time (largest, per engine)';
  if ('notMeasured' in result) return `${what}: not measured: ${result.notMeasured}`;
  const worst = result.engines.map((e) => `${e.engine} ${ms(p50max(e.timer).max)} ms`).join(', ');
  return `${what}: ${worst}: ${result.engines.every((e) => p50max(e.timer).max < 0.1) ? 'met' : 'NOT MET'}`;
}
