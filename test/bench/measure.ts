// Runs one command line as a child process and measures it: wall time, and peak RSS through GNU time's %M.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** GNU time (Debian package `time`); without it, peak RSS is not measured. */
export const GNU_TIME = '/usr/bin/time';
/** coreutils' timeout, so that a peer that takes minutes on a flood is stopped (and said to be). */
const TIMEOUT = 'timeout';
/** timeout's exit status when it had to kill the command (with -s KILL: 128 + 9). */
const TIMED_OUT_CODES = new Set([124, 137]);

export interface Command {
  /** The command line as the table shows it. */
  label: string;
  /** What to run (a pipeline is `sh -c '...'`, with the file names passed as arguments). */
  argv: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Called before each run: e.g. a fresh data file for arpwatch. */
  before?: () => void;
  /** Exit statuses that mean success. */
  okCodes: readonly number[];
}

export interface Sample {
  wallS: number;
  /** Peak resident set size of the command (the largest process of a pipeline), KiB; null without GNU time. */
  rssKiB: number | null;
  timedOut: boolean;
}

/** True when `name` is found on the PATH (or is an existing path). */
export function installed(name: string): boolean {
  if (name.includes('/')) return existsSync(name);
  return spawnSync('sh', ['-c', `command -v "$1" >/dev/null`, 'sh', name]).status === 0;
}

/**
 * Runs `cmd` once with stdout to /dev/null. Wall time is taken around the spawn (it includes the
 * few milliseconds GNU time and timeout add); peak RSS is GNU time's %M: ru_maxrss of the child,
 * which Linux takes over the child and every descendant it waited for, so for `cat F | netgap`
 * it is netgap's. A run past `timeoutS` is killed and reported as timed out.
 */
export function runOnce(cmd: Command, scratch: string, timeoutS: number): Sample {
  cmd.before?.();
  const rssFile = join(scratch, 'rss.txt');
  rmSync(rssFile, { force: true });
  const timed = [TIMEOUT, '-s', 'KILL', String(timeoutS), ...cmd.argv];
  const useTime = existsSync(GNU_TIME);
  const argv = useTime ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...timed] : timed;
  const devNull = openSync('/dev/null', 'w');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', devNull, 'pipe'], env: { ...process.env, ...cmd.env }, maxBuffer: 1 << 24 });
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const code = r.status ?? -1;
    const timedOut = TIMED_OUT_CODES.has(code);
    if (!timedOut && !cmd.okCodes.includes(code)) {
      throw new Error(`${cmd.label}: exit ${code}\n${r.stderr?.toString().slice(-2000) ?? ''}`);
    }
    let rssKiB: number | null = null;
    if (useTime) {
      // GNU time writes "Command exited with non-zero status N" first when the command failed.
      const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
      rssKiB = Number(lines[lines.length - 1]);
    }
    return { wallS, rssKiB, timedOut };
  } finally {
    closeSync(devNull);
  }
}

export interface Measurement {
  runs: number;
  /** Median wall time, seconds (of the runs that finished). */
  medianS: number;
  /** Largest peak RSS over the runs, KiB. */
  peakRssKiB: number | null;
  /** Set when a run was stopped at the timeout: the command takes longer than this, seconds. */
  timedOutAfterS: number | null;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Folds the samples of one command on one input into its table cell. */
export function summarize(samples: readonly Sample[], timeoutS: number): Measurement {
  const done = samples.filter((s) => !s.timedOut);
  const rss = samples.map((s) => s.rssKiB).filter((r): r is number => r !== null);
  return {
    runs: samples.length,
    medianS: done.length > 0 ? median(done.map((s) => s.wallS)) : NaN,
    peakRssKiB: rss.length > 0 ? Math.max(...rss) : null,
    timedOutAfterS: done.length < samples.length ? timeoutS : null,
  };
}
