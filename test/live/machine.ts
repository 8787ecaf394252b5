// A throw-away machine with systemd as PID 1 for the unit test: this host's own OS booted by systemd-nspawn on a volatile overlay, on a private network with a bridge and a guest (RFC 5737 addresses).

import type { ChildProcess, SpawnSyncReturns } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateDumpcap } from '../../src/capture/live/dumpcap-locate';
import { ROOT } from '../repo';

/** The bridge's address (the host's side of a KVM bridge) and the guest's, from RFC 5737 TEST-NET-1. */
export const BRIDGE_IP = '192.0.2.1';
export const GUEST_IP = '192.0.2.10';
/** The bridge netgap watches: the name the printed unit uses, so its default options run unchanged. */
export const BRIDGE = 'br0';
/** Where `npm install -g netgap` puts the package and its command, inside the machine. */
export const PACKAGE_DIR = '/usr/local/lib/node_modules/netgap';
export const NETGAP_BIN = '/usr/local/bin/netgap';

const BOOT_TIMEOUT_MS = 45_000;
const POWEROFF_TIMEOUT_MS = 15_000;

function ok(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function has(tool: string): boolean {
  return ok('sh', ['-c', `command -v ${tool}`]);
}

/** Why no machine can be booted here, or null when one may be (booting can still fail: Machine.boot says why). */
export function machineSkipReason(): string | null {
  if (process.platform !== 'linux') return 'a systemd machine needs Linux';
  if (process.getuid?.() !== 0) return 'booting a systemd machine needs root (systemd-nspawn, ip netns)';
  if (!has('systemd-nspawn')) return 'systemd-nspawn is not installed (apt-get install systemd-container)';
  if (!existsSync('/lib/systemd/systemd')) return 'systemd is not installed (apt-get install systemd)';
  for (const [tool, pkg] of [
    ['nsenter', 'util-linux'],
    ['unshare', 'util-linux'],
    ['ip', 'iproute2'],
    ['ping', 'iputils-ping'],
  ] as const)
    if (!has(tool)) return `${tool} is not installed (apt-get install ${pkg})`;
  if (!ok('ip', ['netns', 'list'])) return '`ip netns` is not available';
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return 'netgap is not built (npm run build)';
  // The checkout is bound into the machine as the package: the service's dynamic user must read it.
  if ((statSync(ROOT).mode & 0o005) !== 0o005) return `the checkout ${ROOT} is not readable by other users, as the service's dynamic user would need`;
  if (locateDumpcap() === null && !capBuilt()) return 'no capture engine: install dumpcap (tshark) or libpcap-dev and npm install again';
  return null;
}

/** Whether the optional module cap (the in-process capture engine) is built here. */
export function capBuilt(): boolean {
  return spawnSync(process.execPath, ['-e', "require('cap')"], { cwd: ROOT, stdio: 'ignore' }).status === 0;
}

/** The cgroup hierarchies a process is placed in: the cgroup2 mount, and systemd's named v1 hierarchy on a hybrid host. */
function cgroupMounts(): string[] {
  const mounts: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const point = left.split(' ')[4]!;
    const [fstype, , superOptions] = right.split(' ');
    if (fstype === 'cgroup2' || (fstype === 'cgroup' && (superOptions ?? '').split(',').includes('name=systemd'))) mounts.push(point);
  }
  return mounts;
}

/** Removes a cgroup and the ones systemd made below it, deepest first (a cgroup goes only once empty). */
function removeCgroup(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroup(join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch {
    // Still busy: the processes were killed; the caller retries.
  }
}

/**
 * This host's OS booted read-only by systemd-nspawn: `/` is bind-mounted (not recursively) in a
 * private mount namespace and booted with `--volatile=overlay`, so every write lands in a tmpfs
 * that goes with the machine. nspawn refuses `--directory=/` itself, and a recursive bind would
 * bring the host's /dev along. The machine boots to sysinit.target only (journald, no services
 * of the host's) with a private network, where the test then makes the bridge `br0` (192.0.2.1)
 * with one port whose other end is a "guest" namespace (192.0.2.10). The checkout is bound
 * read-only where `npm install -g` puts a package, and this Node where the unit's PATH finds it
 * first.
 */
export class Machine {
  /** The guest's network namespace (the machine's own is nspawn's, entered through its PID 1). */
  readonly guest: string;
  readonly name: string;
  private readonly root: string;
  private readonly cgroups: string[] = [];
  private nspawn: ChildProcess | null = null;
  private leader = 0;
  private console = '';
  private destroyed = false;
  private readonly exitHook = (): void => this.destroySync();

  private constructor(prefix: string) {
    this.name = `${prefix}${process.pid % 100000}`;
    this.guest = `${this.name}-vm`;
    this.root = mkdtempSync(join(tmpdir(), 'netgap-machine-'));
    process.on('exit', this.exitHook);
  }

  /** Boots a machine; throws, saying why, when it cannot (everything made so far is removed). */
  static async boot(prefix: string): Promise<Machine> {
    const m = new Machine(prefix);
    try {
      await m.start();
      m.buildNetwork();
      return m;
    } catch (err) {
      await m.destroy();
      throw err;
    }
  }

  private ip(...args: string[]): void {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  }

  /** Runs a command in the guest's network namespace. */
  inGuest(cmd: string[], timeoutMs = 30_000): SpawnSyncReturns<string> {
    return spawnSync('ip', ['netns', 'exec', this.guest, ...cmd], { encoding: 'utf8', timeout: timeoutMs });
  }

  /** Runs a command from this host's file system in the machine's network namespace only (this Node, say). */
  inMachineNetwork(cmd: string[], timeoutMs = 30_000): SpawnSyncReturns<string> {
    return spawnSync('nsenter', ['-t', String(this.leader), '-n', ...cmd], { encoding: 'utf8', timeout: timeoutMs });
  }

  /**
   * The bridge inside the machine and the guest on its port. The veth is made with each end
   * already in its namespace (nspawn's --network-interface would wait for udev, which a host
   * without systemd does not run); a namespace nspawn joins instead of making
   * (--network-namespace-path) would leave the machine's /sys showing this host's interfaces.
   */
  private buildNetwork(): void {
    this.ip('netns', 'add', this.guest);
    this.ip('-n', this.guest, 'link', 'set', 'lo', 'up');
    // No IPv6 autoconfiguration chatter: only the traffic a test makes.
    const noIpv6 = 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6';
    this.inGuest(['sh', '-c', noIpv6]);
    this.exec(['sh', '-c', noIpv6]);
    this.ip('link', 'add', 'vnet0', 'netns', String(this.leader), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.guest);
    this.exec(['ip', 'link', 'add', BRIDGE, 'type', 'bridge', 'mcast_snooping', '0']);
    this.exec(['ip', 'link', 'set', 'vnet0', 'master', BRIDGE, 'up']);
    this.exec(['ip', 'addr', 'add', `${BRIDGE_IP}/24`, 'dev', BRIDGE]);
    this.exec(['ip', 'link', 'set', BRIDGE, 'up']);
    this.ip('-n', this.guest, 'addr', 'add', `${GUEST_IP}/24`, 'dev', 'eth0');
    this.ip('-n', this.guest, 'link', 'set', 'eth0', 'multicast', 'off', 'up');
  }

  private async start(): Promise<void> {
    // A host running systemd gives nspawn a scope of its own; without one, nspawn stays in the
    // cgroup it starts in (--keep-unit) and makes its payload cgroups there: a cgroup of the
    // test's, removed afterwards, and a tmpfs over /run/systemd for its runtime files.
    const hostSystemd = existsSync('/run/systemd/system');
    if (!hostSystemd) {
      for (const mount of cgroupMounts()) {
        const dir = join(mount, this.name);
        mkdirSync(dir);
        this.cgroups.push(dir);
      }
    }
    const nspawnArgs = [
      '--quiet',
      '--register=no',
      ...(hostSystemd ? [] : ['--keep-unit']),
      '--link-journal=no',
      '--boot',
      `--directory=${this.root}`,
      '--volatile=overlay',
      `--machine=${this.name}`,
      // A network of its own: the machine keeps CAP_NET_ADMIN, which the unit grants netgap.
      '--private-network',
      `--bind-ro=${ROOT}:${PACKAGE_DIR}`,
      `--bind-ro=${process.execPath}:/usr/local/bin/node`,
      '--',
      'systemd.unit=sysinit.target',
    ];
    const inner = `mount --bind / "$0" && ${hostSystemd ? '' : 'mount -t tmpfs tmpfs /run/systemd && '}exec systemd-nspawn "$@"`;
    const outer = 'for g in $NETGAP_CGROUPS; do echo $$ > "$g/cgroup.procs" || exit 97; done; exec "$@"';
    const child = spawn('sh', ['-c', outer, 'sh', 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', inner, this.root, ...nspawnArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NETGAP_CGROUPS: this.cgroups.join(' ') },
    });
    this.nspawn = child;
    const keep = (text: string): void => {
      this.console = (this.console + text).slice(-16_384);
    };
    child.stdout!.setEncoding('utf8').on('data', keep);
    child.stderr!.setEncoding('utf8').on('data', keep);

    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`systemd-nspawn exited ${child.exitCode}: ${this.console.trim()}`);
      if (this.leader === 0) this.leader = this.findLeader();
      if (this.leader !== 0) {
        const r = this.exec(['systemctl', 'is-system-running', '--wait'], { allowFail: true, timeoutMs: Math.max(1000, deadline - Date.now()) });
        const state = r.stdout.trim();
        if (state === 'running' || state === 'degraded') return;
      }
      await sleep(100);
    }
    throw new Error(`the machine did not boot within ${BOOT_TIMEOUT_MS / 1000} s: ${this.console.trim()}`);
  }

  /** The machine's PID 1 as this host sees it: nspawn's child once it runs systemd. */
  private findLeader(): number {
    const pid = this.nspawn?.pid;
    if (pid === undefined) return 0;
    try {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      return children.find((c) => readFileSync(`/proc/${c}/comm`, 'utf8').trim() === 'systemd') ?? 0;
    } catch {
      return 0;
    }
  }

  /** Runs a command inside the machine (all its namespaces), waits, and throws on failure unless allowed. */
  exec(cmd: string[], opts: { allowFail?: boolean; timeoutMs?: number; input?: string } = {}): SpawnSyncReturns<string> {
    const r = spawnSync('nsenter', ['-t', String(this.leader), '-a', ...cmd], {
      encoding: 'utf8',
      timeout: opts.timeoutMs ?? 30_000,
      input: opts.input,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (r.status !== 0 && opts.allowFail !== true) throw new Error(`${cmd.join(' ')} in the machine: exit ${r.status}: ${r.stderr.trim()}`);
    return r;
  }

  /** A shell script inside the machine; its stdout. */
  sh(script: string, opts: { allowFail?: boolean; input?: string } = {}): string {
    return this.exec(['sh', '-c', script], opts).stdout;
  }

  /** Writes a file inside the machine (as root). */
  write(path: string, text: string): void {
    this.exec(['sh', '-c', 'cat > "$0"', path], { input: text });
  }

  /** Powers the machine off (forcibly if it does not go), then removes its namespaces, cgroups and mount point. */
  async destroy(): Promise<void> {
    const child = this.nspawn;
    if (child !== null && child.exitCode === null && child.signalCode === null) {
      // nspawn turns SIGTERM into an orderly poweroff of the machine.
      child.kill('SIGTERM');
      const deadline = Date.now() + POWEROFF_TIMEOUT_MS;
      while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) await sleep(100);
    }
    this.destroySync();
  }

  private destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.off('exit', this.exitHook);
    const child = this.nspawn;
    if (child !== null && child.exitCode === null && child.signalCode === null) {
      // PID 1 first: a machine whose nspawn died would run on.
      if (this.leader !== 0) spawnSync('kill', ['-KILL', String(this.leader)], { stdio: 'ignore' });
      child.kill('SIGKILL');
      spawnSync('sh', ['-c', `while kill -0 ${child.pid} 2>/dev/null; do sleep 0.1; done`], { timeout: 5000 });
    }
    spawnSync('ip', ['netns', 'del', this.guest], { stdio: 'ignore' });
    for (let attempt = 0; attempt < 50 && this.cgroups.some((d) => existsSync(d)); attempt++) {
      for (const dir of this.cgroups) removeCgroup(dir);
      if (this.cgroups.some((d) => existsSync(d))) spawnSync('sleep', ['0.1']);
    }
    // Never a recursive removal: this directory is where the host's root was bound.
    try {
      rmdirSync(this.root);
    } catch {
      // Not empty or still a mount point: left for a human, never deleted recursively.
    }
  }

  /** The boot messages, for a failure's message. */
  get bootLog(): string {
    return this.console;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
