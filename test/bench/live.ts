// The bench's live measure: `netgap live` (each capture engine) and tcpdump capturing the same bursts on one veth of a namespace lab, at 100 kpps, 200 kpps and tcpreplay's top speed, then alert latency (live-latency.ts) (issue 16).

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateDumpcap } from '../../src/capture/live/dumpcap-locate';
import { burstFile, finished, Lab, labSkipReason, NetgapRun, sleep, toolMissing } from '../live/lab';
import type { LatencyResult } from './live-latency';
import { latencyTable, latencyTarget, measureLatency } from './live-latency';

/** Frames per burst. */
export const LIVE_BURST_FRAMES = 300_000;
/** The rates asked of tcpreplay (frames per second); 'top' is its --topspeed. */
export const LIVE_RATES = [100_000, 200_000, 'top'] as const;
export type LiveRate = (typeof LIVE_RATES)[number];
export type LiveEngine = 'dumpcap' | 'cap';
/** How long both keep capturing after tcpreplay returns, so that the last frames reach them. */
const DRAIN_MS = 1500;
/** tcpdump's buffer, KiB: netgap's default 128 MiB. */
const TCPDUMP_BUFFER_KIB = 128 * 1024;
/** Alert latency trials per engine (live-latency.ts), after the bursts. */
const LATENCY_TRIALS = 5;

/** One burst, captured at once by tcpdump (the reference) and by netgap with one engine. */
export interface Burst {
  readonly rate: LiveRate;
  readonly engine: LiveEngine;
  readonly sent: number;
  /** The rate tcpreplay reached, frames per second. */
  readonly pps: number;
  /** Frames tcpdump captured, and what it says the kernel dropped. */
  readonly tcpdump: number;
  readonly tcpdumpDropped: number;
  /** Frames netgap analysed, the loss it reported and how it measured it. */
  readonly frames: number;
  readonly lost: number | null;
  readonly lossMethod: string;
  /** Frames that reached the analysis after a tick had passed their time (the engine's ts_backwards). */
  readonly late: number;
  /** CPU seconds spent during the burst (from start to the end of the drain) by each process. */
  readonly captureCpuS: number;
  readonly analysisCpuS: number;
  readonly tcpdumpCpuS: number;
}

/** The bursts, or why they could not be measured here. */
export type LiveResult = { bursts: Burst[]; engines: LiveEngine[]; offloads: string; latency: LatencyResult } | { notMeasured: string };

interface CaptureSummary {
  ts_backwards: number;
  capture: { interfaces: { frames: number; packets_lost: number | null; loss_method: string }[] };
}

/**
 * `rounds` rounds; in each, every rate, and at each rate every engine once, in an order that
 * turns from round to round (so that neither always goes first on a machine whose load varies).
 * Each burst: LIVE_BURST_FRAMES small frames replayed by tcpreplay from host a onto its veth, with
 * tcpdump (`-B` 128 MiB, `-w /dev/null`) and a new `netgap live -i sw-a --json --capture-engine E`
 * (its defaults otherwise) both capturing the switch's end. Offloads are turned off on the veth
 * (with ethtool, when installed) as in issue 16. Needs root, `ip netns`, cap, tcpdump and tcpreplay.
 */
export async function measureLive(rounds: number, log: (line: string) => void, keepOffloads = false): Promise<LiveResult> {
  const reason = labSkipReason() ?? toolMissing('tcpreplay', 'tcpdump');
  if (reason !== null) return { notMeasured: reason };
  const engines: LiveEngine[] = locateDumpcap() !== null ? ['dumpcap', 'cap'] : ['cap'];
  try {
    return await bursts(rounds, engines, log, keepOffloads);
  } catch (err) {
    // The file rows above are measured already: a lab that fails must not lose them.
    return { notMeasured: `the lab failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function bursts(rounds: number, engines: LiveEngine[], log: (line: string) => void, keepOffloads: boolean): Promise<LiveResult> {
  const lab = new Lab('bench');
  try {
    const file = join(lab.dir, 'burst.pcap');
    burstFile(file, LIVE_BURST_FRAMES);
    const offloads = keepOffloads ? 'offloads as the kernel set them (veth: rx/tx checksums, TSO/GSO on)' : offloadsOff(lab);
    const done: Burst[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const rate of LIVE_RATES) {
        const order = engines.map((_, i) => engines[(i + r) % engines.length]!);
        for (const engine of order) {
          log(`live: round ${r + 1} of ${rounds}, ${rate === 'top' ? 'top speed' : `${rate / 1000} kpps`}, ${engine} ...`);
          done.push(await burst(lab, file, rate, engine));
        }
      }
    }
    let latency: LatencyResult;
    try {
      latency = await measureLatency(lab, engines, LATENCY_TRIALS, log);
    } catch (err) {
      latency = { notMeasured: `the lab failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    return { bursts: done, engines, offloads, latency };
  } finally {
    lab.destroy();
  }
}

/** Turns receive and send offloads off on both ends of host a's veth; says what it did. */
function offloadsOff(lab: Lab): string {
  if (toolMissing('ethtool') !== null) return 'offloads as the kernel set them (ethtool is not installed)';
  const args = ['gro', 'off', 'gso', 'off', 'tso', 'off', 'tx', 'off', 'rx', 'off'];
  lab.run(lab.a, ['ethtool', '-K', 'eth0', ...args], { allowFail: true });
  lab.run(lab.sw, ['ethtool', '-K', 'sw-a', ...args], { allowFail: true });
  return 'offloads off on the veth (ethtool -K gro gso tso tx rx off)';
}

async function burst(lab: Lab, file: string, rate: LiveRate, engine: LiveEngine): Promise<Burst> {
  const tcpdump = lab.spawn(lab.sw, ['tcpdump', '-i', 'sw-a', '-B', String(TCPDUMP_BUFFER_KIB), '-w', '/dev/null']);
  let tcpdumpErr = '';
  tcpdump.stderr!.setEncoding('utf8').on('data', (t: string) => (tcpdumpErr += t));
  const run = new NetgapRun(lab, lab.sw, ['-i', 'sw-a', '--json', '--capture-engine', engine]);
  await run.listening(1);
  while (!tcpdumpErr.includes('listening')) await sleep(50);
  const captureProcs = childrenOf(run.pid);
  const before = { capture: cpuOf(captureProcs), analysis: cpuOf([run.pid]), tcpdump: cpuOf([tcpdump.pid!]) };
  const replay = lab.run(lab.a, ['tcpreplay', '-i', 'eth0', ...(rate === 'top' ? ['--topspeed'] : ['--pps', String(rate)]), file]);
  await sleep(DRAIN_MS);
  const capture = cpuOf(captureProcs) - before.capture;
  const analysis = cpuOf([run.pid]) - before.analysis;
  const tcpdumpCpu = cpuOf([tcpdump.pid!]) - before.tcpdump;
  const { code } = await run.stop();
  if (code !== 0) throw new Error(`netgap live exited ${code}: ${run.stderr}`);
  tcpdump.kill('SIGINT');
  await finished(tcpdump);
  const summary = run.summary() as unknown as CaptureSummary;
  const iface = summary.capture.interfaces[0]!;
  return {
    rate,
    engine,
    sent: Number(/Actual: (\d+) packets/.exec(replay.stdout)?.[1]),
    pps: Number(/Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps/.exec(replay.stdout)?.[1]),
    tcpdump: Number(/(\d+) packets? captured/.exec(tcpdumpErr)?.[1]),
    tcpdumpDropped: Number(/(\d+) packets? dropped by kernel/.exec(tcpdumpErr)?.[1]),
    frames: iface.frames,
    lost: iface.packets_lost,
    lossMethod: iface.loss_method,
    late: summary.ts_backwards,
    captureCpuS: capture,
    analysisCpuS: analysis,
    tcpdumpCpuS: tcpdumpCpu,
  };
}

/** Pids whose parent is `pid` (/proc), as pgrep -P lists them. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      // it exited meanwhile
    }
  }
  return out;
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User + system CPU seconds of the processes so far (0 for one that is gone). */
function cpuOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the state.
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone
    }
  }
  return ticks / CLK_TCK;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const rateName = (r: LiveRate): string => (r === 'top' ? 'top speed' : `${r / 1000} kpps`);
const us = (s: number, frames: number): string => (frames > 0 ? ((1e6 * s) / frames).toFixed(1) : '-');
const range = (xs: readonly number[], digits: number): string =>
  xs.length === 0 ? '-' : `${Math.min(...xs).toFixed(digits)} / ${median(xs).toFixed(digits)} / ${Math.max(...xs).toFixed(digits)}`;

/** The report's live table: per rate and engine, min/median/max over the rounds. */
export function liveTable(result: LiveResult): string[] {
  if ('notMeasured' in result) return [`Live capture: not measured: ${result.notMeasured}`];
  const lines = [
    `Live capture (${LIVE_BURST_FRAMES} small frames a burst on a veth, ${result.offloads}; tcpdump -B 128 MiB and netgap's defaults capture each burst at once):`,
    '',
    '| rate asked | engine | rate reached, kpps (min / median / max) | netgap frames / tcpdump frames (min / median / max) | lost: tcpdump / netgap reported (largest) | netgap loss method | late frames (largest) | CPU µs per frame: capture process / analysis / tcpdump (median) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const rate of LIVE_RATES) {
    for (const engine of result.engines) {
      const bs = result.bursts.filter((b) => b.rate === rate && b.engine === engine);
      if (bs.length === 0) continue;
      const cpu = (pick: (b: Burst) => number): string => us(median(bs.map(pick)), median(bs.map((b) => b.frames)));
      lines.push(
        `| ${rateName(rate)} | ${engine} | ${range(
          bs.map((b) => b.pps / 1000),
          0,
        )} | ${range(
          bs.map((b) => b.frames / b.tcpdump),
          4,
        )} | ` +
          `${Math.max(...bs.map((b) => b.tcpdumpDropped))} / ${Math.max(...bs.map((b) => b.lost ?? NaN))} | ${[...new Set(bs.map((b) => b.lossMethod))].join(', ')} | ` +
          `${Math.max(...bs.map((b) => b.late))} | ${cpu((b) => b.captureCpuS)} / ${cpu((b) => b.analysisCpuS)} / ${cpu((b) => b.tcpdumpCpuS)} |`,
      );
    }
  }
  lines.push(
    '',
    'Bursts:',
    ...result.bursts.map(
      (b) =>
        `- ${rateName(b.rate)}, ${b.engine}: sent ${b.sent} at ${(b.pps / 1000).toFixed(0)} kpps; tcpdump ${b.tcpdump} (${b.tcpdumpDropped} dropped); netgap ${b.frames} (${b.lost ?? '-'} lost, ${b.lossMethod}; ${b.late} late)`,
    ),
    '',
    ...latencyTable(result.latency),
    '',
    latencyTarget(result.latency),
  );
  return lines;
}
