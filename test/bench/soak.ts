// `npm run bench -- --soak`: a day of packet time streamed through a pipe into `netgap read --json --state`, its memory and state file sampled throughout.

/*
 * Method. A generator process (soak-gen.ts) writes SOAK_HOURS hours of the bench's Hyper-V switch
 * with SOAK_STATIONS VMs as pcap to a shell pipe read by `netgap read --json --state S
 * --state-interval 1 -`; the capture is never on disk. Every SAMPLE_MS the runner reads netgap's
 * VmRSS and VmHWM from /proc/PID/status and the state file's size, and tags the sample with the
 * packet hour the generator has reached (it appends each new hour to a progress file; netgap trails
 * it by no more than the pipe's buffer). The report compares the median RSS of the first packet
 * hour with that of the last, gives the peak (VmHWM) and the largest state file, and checks that
 * netgap's summary counts every frame the generator wrote.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../cli-run';
import { median } from './measure';
import { mib, seconds } from './table';

export const SOAK_STATIONS = 150;
export const SOAK_HOURS = 24;
/** Every 100 ms rather than every second: the day passes in seconds of wall time, so a packet hour still gets a few samples. */
const SAMPLE_MS = 100;
/** Runner-side budget for the whole run; the generator and netgap are killed after it. */
const SOAK_TIMEOUT_MS = 15 * 60 * 1000;
/** Packet hours whose RSS and state size the report lists. */
const HOURS_SHOWN = [0, 1, 2, 6, 12, 18, 23];
const GEN = join(__dirname, 'soak-gen.ts');

interface SoakSample {
  hour: number;
  rssKiB: number;
  hwmKiB: number;
  stateBytes: number;
}

export interface SoakResult {
  frames: number;
  generated: number;
  wallS: number;
  samples: number;
  firstHourRssKiB: number;
  lastHourRssKiB: number;
  peakKiB: number;
  stateMaxBytes: number;
  stateFinalBytes: number;
  /** Largest state file while the packet clock was in the first half of the day. */
  stateFirstHalfBytes: number;
  /** Per packet hour in HOURS_SHOWN: median RSS, KiB, and largest state file, bytes. */
  byHour: { hour: number; rssKiB: number; stateBytes: number }[];
  exitCode: number | null;
}

function statusKiB(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m === null ? NaN : Number(m[1]);
}

function progressOf(file: string): { hour: number; frames: number } {
  let hour = -1;
  let frames = NaN;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { hour, frames };
  }
  for (const line of text.split('\n')) {
    const [k, v] = line.split(' ');
    if (k === 'hour') hour = Number(v);
    else if (k === 'frames') frames = Number(v);
  }
  return { hour, frames };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export async function measureSoak(log: (line: string) => void): Promise<SoakResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'netgap-soak-'));
  const progress = join(scratch, 'progress');
  const state = join(scratch, 'state.json');
  const out = join(scratch, 'netgap.ndjson');
  try {
    log(`soak: ${SOAK_HOURS} h of ${SOAK_STATIONS} VMs through a pipe into netgap read --json --state ...`);
    // `gen | netgap &`: $! is netgap's own pid (its #! line execs node), so /proc/$!/status is netgap's.
    const script = 'node --import tsx "$1" "$2" "$3" "$4" | "$5" read --json --state "$6" --state-interval 1 - > "$7" & echo $!; wait $!';
    const t0 = process.hrtime.bigint();
    const sh = spawn('sh', ['-c', script, 'sh', GEN, String(SOAK_STATIONS), String(SOAK_HOURS * 3600), progress, CLI, state, out], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    const pid = await new Promise<number>((resolve, reject) => {
      let text = '';
      sh.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\n')) resolve(Number(text.trim()));
      });
      sh.on('error', reject);
    });
    const samples: SoakSample[] = [];
    const timer = setInterval(() => {
      let status: string;
      try {
        status = readFileSync(`/proc/${pid}/status`, 'utf8');
      } catch {
        return;
      }
      const rssKiB = statusKiB(status, 'VmRSS');
      if (Number.isNaN(rssKiB)) return;
      samples.push({
        hour: progressOf(progress).hour,
        rssKiB,
        hwmKiB: statusKiB(status, 'VmHWM'),
        stateBytes: sizeOf(state),
      });
    }, SAMPLE_MS);
    const killer = setTimeout(() => process.kill(-sh.pid!, 'SIGKILL'), SOAK_TIMEOUT_MS);
    const exitCode = await new Promise<number | null>((resolve) => sh.on('close', (code) => resolve(code)));
    clearInterval(timer);
    clearTimeout(killer);
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;

    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]!) as {
      type: string;
      packets: number;
    };
    const hourRss = (h: number): number => median(samples.filter((s) => s.hour === h).map((s) => s.rssKiB));
    const firstHalf = samples.filter((s) => s.hour < SOAK_HOURS / 2);
    return {
      frames: summary.type === 'summary' ? summary.packets : NaN,
      generated: progressOf(progress).frames,
      wallS,
      samples: samples.length,
      firstHourRssKiB: hourRss(0),
      lastHourRssKiB: hourRss(SOAK_HOURS - 1),
      peakKiB: Math.max(...samples.map((s) => s.hwmKiB)),
      stateMaxBytes: Math.max(sizeOf(state), ...samples.map((s) => s.stateBytes)),
      stateFinalBytes: sizeOf(state),
      stateFirstHalfBytes: Math.max(0, ...firstHalf.map((s) => s.stateBytes)),
      byHour: HOURS_SHOWN.map((hour) => ({
        hour,
        rssKiB: hourRss(hour),
        stateBytes: Math.max(0, ...samples.filter((s) => s.hour === hour).map((s) => s.stateBytes)),
      })),
      exitCode,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function kib(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

/** The soak's report lines, targets included: RSS of the last hour within 25 % of the first (the bench's memory-flat target for the 10x file), state file at most 10 % larger over the whole day than over its first half. */
export function soakReport(r: SoakResult): string[] {
  const growth = r.lastHourRssKiB / r.firstHourRssKiB - 1;
  const ok = (b: boolean): string => (b ? 'met' : 'NOT MET');
  return [
    `Soak: ${SOAK_HOURS} h of packet time, ${SOAK_STATIONS} VMs, streamed from the generator through a pipe into \`netgap read --json --state S --state-interval 1 -\``,
    `- frames: ${r.frames} counted by netgap, ${r.generated} generated: ${ok(r.frames === r.generated)}; exit status ${r.exitCode}`,
    `- wall time ${seconds(r.wallS)}, ${r.samples} samples every ${SAMPLE_MS} ms`,
    `- RSS, median of the first packet hour ${mib(r.firstHourRssKiB)}, of the last ${mib(r.lastHourRssKiB)} (${(growth * 100).toFixed(1)} %); peak (VmHWM) ${mib(r.peakKiB)}`,
    `- memory flat (last hour <= first hour + 25 %): ${ok(growth <= 0.25)}`,
    `- state file: largest in the first 12 packet hours ${kib(r.stateFirstHalfBytes)}, over the day largest ${kib(r.stateMaxBytes)}, at the end ${kib(r.stateFinalBytes)}`,
    `- state file bounded (the last 12 hours add <= 10 %): ${ok(r.stateFirstHalfBytes > 0 && r.stateMaxBytes <= r.stateFirstHalfBytes * 1.1)}`,
    `- by packet hour: ${r.byHour.map((h) => `${h.hour}: ${mib(h.rssKiB)}, ${kib(h.stateBytes)}`).join('; ')}`,
  ];
}
