// A namespace lab for `netgap live`: a switch namespace with a bridge, two hosts on veths (RFC 5737 addresses), and netgap runs inside it.

import type { ChildProcess, SpawnSyncReturns } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapWriter } from '../../src/capture/file/writer';
import { locateDumpcap } from '../../src/capture/live/dumpcap-locate';
import { LINKTYPE, newFrame } from '../../src/frame';
import { CLI, cliCommand, runCli } from '../cli-run';
import { FIXTURES, ROOT } from '../repo';

export { CLI, FIXTURES, ROOT };

/** The hosts' addresses (RFC 5737 TEST-NET-2); the switch has none. */
export const HOST_A = '198.51.100.10';
export const HOST_B = '198.51.100.20';

function ok(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** Why the namespace tests cannot run here, or null when they can. */
export function labSkipReason(): string | null {
  if (process.platform !== 'linux') return 'namespace tests need Linux';
  if (process.getuid?.() !== 0) return 'namespace tests need root (ip netns, raw sockets)';
  if (!ok('ip', ['netns', 'list'])) return '`ip netns` is not available (install iproute2)';
  if (spawnSync(process.execPath, ['-e', "require('cap')"], { cwd: ROOT, stdio: 'ignore' }).status !== 0) {
    return 'the optional module cap is not built (install libpcap-dev, then npm install again)';
  }
  return null;
}

/** The capture engines installed here, the default first: dumpcap where found, and cap (labSkipReason checks it). */
export function captureEngines(): ('dumpcap' | 'cap')[] {
  return locateDumpcap() !== null ? ['dumpcap', 'cap'] : ['cap'];
}

/** Why a tool-dependent test cannot run, or null. */
export function toolMissing(...tools: string[]): string | null {
  for (const t of tools) if (!ok('sh', ['-c', `command -v ${t}`])) return `${t} is not installed`;
  return null;
}

/** Habets' arping takes -i for the interface, iputils' arping takes -I. */
function arpingInterfaceFlag(): string {
  const help = spawnSync('arping', ['--help'], { encoding: 'utf8' });
  return `${help.stdout}${help.stderr}`.includes('Habets') ? '-i' : '-I';
}

export class Lab {
  /** Namespace names: the switch, and hosts a and b. */
  readonly sw: string;
  readonly a: string;
  readonly b: string;
  /** A scratch directory any user may write to (for --user tests). */
  readonly dir: string;
  private destroyed = false;
  private readonly exitHook = (): void => this.destroy();
  /** Everything started in the lab, killed by destroy() if still running (a test that failed midway). */
  private readonly started: ChildProcess[] = [];

  /** @param prefix starts every namespace name (a suite that runs beside others gives its own). */
  constructor(tag: string, prefix = 'ngt') {
    const base = `${prefix}${process.pid % 100000}${tag}`;
    this.sw = `${base}-sw`;
    this.a = `${base}-a`;
    this.b = `${base}-b`;
    this.dir = mkdtempSync(join(tmpdir(), 'netgap-lab-'));
    chmodSync(this.dir, 0o777);
    process.on('exit', this.exitHook);
    try {
      this.build();
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  private build(): void {
    for (const ns of [this.sw, this.a, this.b]) {
      this.ip('netns', 'add', ns);
      this.ip('-n', ns, 'link', 'set', 'lo', 'up');
      // No IPv6 autoconfiguration chatter: the tests count frames.
      this.sysctl(ns, 'net/ipv6/conf/all/disable_ipv6');
      this.sysctl(ns, 'net/ipv6/conf/default/disable_ipv6');
    }
    // Without multicast snooping the bridge joins no group (224.0.0.106) and sends no IGMP report.
    this.ip('-n', this.sw, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
    this.ip('-n', this.sw, 'link', 'set', 'br0', 'up');
    for (const [host, port, addr] of [
      [this.a, 'sw-a', HOST_A],
      [this.b, 'sw-b', HOST_B],
    ] as const) {
      this.ip('-n', this.sw, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host);
      this.ip('-n', this.sw, 'link', 'set', port, 'master', 'br0', 'up');
      this.sysctl(host, 'net/ipv6/conf/eth0/disable_ipv6');
      this.ip('-n', host, 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
      // No IGMP reports either: only the frames a test makes cross the switch.
      this.ip('-n', host, 'link', 'set', 'eth0', 'multicast', 'off', 'up');
    }
  }

  /** Sets a namespace's sysctl to 1 (through /proc, which `ip netns exec` shows for that namespace). */
  private sysctl(ns: string, key: string): void {
    this.run(ns, ['sh', '-c', `echo 1 > /proc/sys/${key}`]);
  }

  ip(...args: string[]): void {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  }

  /** Runs a command inside a namespace, waits, and throws on failure. */
  run(ns: string, cmd: string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
    const r = spawnSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0 && opts.allowFail !== true) throw new Error(`${cmd.join(' ')} in ${ns}: exit ${r.status}: ${r.stderr.trim()}`);
    return r;
  }

  /** Starts a command inside a namespace in the background. */
  spawn(ns: string, cmd: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.started.push(child);
    return child;
  }

  /** A gratuitous ARP (announcement) from host a, in the background: arping waits for replies that never come. */
  announceA(): ChildProcess {
    return this.spawn(this.a, ['arping', '-q', '-U', '-c', '1', arpingInterfaceFlag(), 'eth0', '-S', HOST_A, HOST_A]);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.off('exit', this.exitHook);
    for (const child of this.started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const ns of [this.sw, this.a, this.b]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One line netgap printed, with the wall-clock time it arrived (epoch seconds). */
export interface Line {
  readonly at: number;
  readonly text: string;
}

export interface NdjsonRecord {
  type: string;
  ts: number;
  kind: string;
  [field: string]: unknown;
}

/** `netgap live` running inside a namespace, its stdout lines timed as they arrive. */
export class NetgapRun {
  readonly lines: Line[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  /** @param opts.user runs netgap as this user; with `opts.caps`, keeping only those capabilities (ambient, as a systemd unit's AmbientCapabilities). */
  constructor(lab: Lab, ns: string, args: string[], opts: { user?: string; caps?: string[] } = {}) {
    const node = cliCommand(['live', ...args]);
    const caps = opts.caps === undefined ? undefined : ['-all', ...opts.caps.map((c) => `+${c}`)].join(',');
    const keep = caps === undefined ? [] : [`--inh-caps=${caps}`, `--ambient-caps=${caps}`, `--bounding-set=${caps}`, '--no-new-privs'];
    const cmd =
      opts.user === undefined
        ? node
        : ['setpriv', `--reuid=${opts.user}`, `--regid=${opts.user === 'nobody' ? 'nogroup' : opts.user}`, '--clear-groups', ...keep, ...node];
    // `ip netns exec` execs the command: signals to this pid reach netgap itself.
    this.child = lab.spawn(ns, cmd);
    let rest = '';
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      const at = Date.now() / 1000;
      rest += text;
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        this.lines.push({ at, text: rest.slice(0, nl) });
        rest = rest.slice(nl + 1);
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves once netgap listens on `interfaces` devices; rejects if it exits first. */
  async listening(interfaces: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.stderr.match(/listening on /g) ?? []).length < interfaces) {
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`netgap did not start: ${this.stderr}`);
      await sleep(50);
    }
  }

  /** Sends the signal and waits for netgap to print its summary and exit. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill(signal);
    return this.exited;
  }

  records(): NdjsonRecord[] {
    return this.lines.map((l) => JSON.parse(l.text) as NdjsonRecord);
  }

  alerts(): NdjsonRecord[] {
    return this.records().filter((r) => r.type === 'alert');
  }

  summary(): NdjsonRecord {
    const s = this.records().find((r) => r.type === 'summary');
    if (s === undefined) throw new Error(`no summary; stderr: ${this.stderr}`);
    return s;
  }
}

/** `netgap read --json` on a file: its alerts and summary. */
export function readJson(file: string, args: string[]): NdjsonRecord[] {
  const r = runCli(['read', '--json', ...args, file]);
  if (r.status !== 0) throw new Error(`netgap read ${file}: exit ${r.status}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as NdjsonRecord);
}

/** `count` small UDP frames from a MAC no host owns, for a burst. */
export function burstFile(file: string, count: number): void {
  const fd = openSync(file, 'w');
  const w = new PcapWriter(fd, { linkType: LINKTYPE.ETHERNET });
  const f = newFrame();
  f.buf = Buffer.alloc(60);
  Buffer.from('02000000004002000000003008004500002e000040004011000000000000', 'hex').copy(f.buf);
  f.buf.set([198, 51, 100, 30, 198, 51, 100, 40], 26);
  f.capLen = f.origLen = 60;
  f.linkType = LINKTYPE.ETHERNET;
  for (let i = 0; i < count; i++) {
    f.tsSec = 1_700_000_000;
    f.tsNsec = i * 1000;
    f.buf.writeUInt16BE(i & 0xffff, 18);
    w.write(f);
  }
  w.flush();
  closeSync(fd);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for a background command to end. */
export function finished(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('close', (code) => resolve(code));
  });
}
