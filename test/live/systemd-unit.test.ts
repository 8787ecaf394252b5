// The unit `netgap deploy systemd` prints, run by a real systemd (PID 1 of a throw-away machine): user, capabilities, capture, logs, state, reload, restart, stop.

import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { locateDumpcap } from '../../src/capture/live/dumpcap-locate';
import type { NdjsonRecord } from './lab';
import { BRIDGE, BRIDGE_IP, capBuilt, GUEST_IP, Machine, machineSkipReason, NETGAP_BIN, PACKAGE_DIR, sleep } from './machine';

const skip = machineSkipReason();
if (skip !== null) console.log(`test/live/systemd-unit: skipped: ${skip}`);

/** CAP_NET_RAW (13) and CAP_NET_ADMIN (12), as /proc/PID/status prints a capability set. */
const TWO_CAPS = '0000000000003000';
const NO_CAPS = '0000000000000000';
const OUTPUT = '/var/log/netgap/alerts.ndjson';
const STATE = '/var/lib/netgap/state.json';
/** Short thresholds so that a 2 s ping gives an ARP-gap warning; the unit's own -i br0 and --metrics stay. */
function options(more = '', iface = BRIDGE): string {
  return `NETGAP_OPTS="-i ${iface} --metrics 127.0.0.1:9473 --arp-warn 1 --arp-threshold 3${more}"\n`;
}
/** systemd's dynamic users (DynamicUser=yes) get a UID from this range. */
const DYNAMIC_UIDS = [61184, 65519];

interface ProcStatus {
  uid: number;
  groups: number[];
  capInh: string;
  capPrm: string;
  capEff: string;
  capBnd: string;
  capAmb: string;
  noNewPrivs: string;
}

async function waitFor<T>(what: string, poll: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = poll();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe.skipIf(skip !== null)('the unit from `netgap deploy systemd`, under systemd', () => {
  let m: Machine | null = null;
  let bootError: string | null = null;
  /** When netgap was first restarted (epoch seconds): a station first seen before it came through the state file. */
  let restartedAt = 0;
  const dumpcapPath = locateDumpcap();
  const dumpcap = dumpcapPath !== null;
  /** dumpcap kept for the wireshark group on this host (dpkg-reconfigure wireshark-common: yes). */
  const dumpcapForGroup = dumpcapPath !== null && (statSync(dumpcapPath).mode & 0o001) === 0;
  const logrotate = spawnSync('sh', ['-c', 'command -v logrotate'], { stdio: 'ignore' }).status === 0;

  /** The machine, or a skipped test when it did not boot; a failed test prints the unit's journal. */
  function machine(ctx: TestContext): Machine {
    // beforeAll printed why, once.
    if (m === null) ctx.skip(`the machine did not boot: ${bootError}`);
    const booted = m;
    ctx.onTestFailed(() => {
      const j = booted.exec(['journalctl', '-u', 'netgap', '-o', 'short-precise', '--no-pager'], { allowFail: true });
      console.log(`test/live/systemd-unit: the unit's journal:\n${j.stdout}`);
    });
    return booted;
  }

  function show(...props: string[]): Record<string, string> {
    const out = m!.exec(['systemctl', 'show', ...props.flatMap((p) => ['-p', p]), 'netgap']).stdout;
    return Object.fromEntries(out.split('\n').flatMap((l) => (l.includes('=') ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]] : [])));
  }

  function mainPid(): number {
    return Number(show('MainPID').MainPID);
  }

  function status(pid: number): ProcStatus {
    const text = m!.exec(['cat', `/proc/${pid}/status`]).stdout;
    const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
    return {
      uid: Number(field('Uid').split(/\s+/)[0]),
      groups: field('Groups').split(/\s+/).filter(Boolean).map(Number),
      capInh: field('CapInh'),
      capPrm: field('CapPrm'),
      capEff: field('CapEff'),
      capBnd: field('CapBnd'),
      capAmb: field('CapAmb'),
      noNewPrivs: field('NoNewPrivs'),
    };
  }

  /**
   * The processes netgap started (the capture engine's), by PID and the name of the program they
   * run. Named from /proc/PID/exe, not comm: comm is the main thread's name, which Node 24 sets
   * to "MainThread".
   */
  function children(pid: number): { pid: number; comm: string }[] {
    const out = m!.sh(`for c in $(cat /proc/${pid}/task/*/children); do echo "$c $(basename "$(readlink /proc/$c/exe)")"; done`, { allowFail: true });
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ pid: Number(l.split(' ')[0]), comm: l.split(' ')[1] ?? '' }));
  }

  function records(file = OUTPUT): NdjsonRecord[] {
    const r = m!.exec(['cat', file], { allowFail: true });
    if (r.status !== 0) return [];
    return r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as NdjsonRecord);
  }

  function journal(): string {
    return m!.exec(['journalctl', '-u', 'netgap', '-o', 'cat', '--no-pager']).stdout;
  }

  function listenings(iface = BRIDGE): number {
    return (journal().match(new RegExp(`listening on ${iface} `, 'g')) ?? []).length;
  }

  /** The guest ARPs for the bridge's address (its cache flushed), then pings it for 2 s without ARP. */
  function guestTalks(): void {
    m!.inGuest(['ip', 'neigh', 'flush', 'dev', 'eth0']);
    const r = m!.inGuest(['ping', '-q', '-c', '10', '-i', '0.2', BRIDGE_IP]);
    expect(r.status, r.stderr).toBe(0);
  }

  /** The records in `file` once it has had no new one for `quietMs`: the guest's later ARP exchanges raise alerts too. */
  async function settled(file = OUTPUT, quietMs = 2500): Promise<number> {
    let n = records(file).length;
    let since = Date.now();
    while (Date.now() - since < quietMs) {
      await sleep(200);
      const now = records(file).length;
      if (now !== n) {
        n = now;
        since = Date.now();
      }
    }
    return n;
  }

  async function guestWarned(file: string, after: number): Promise<NdjsonRecord> {
    return waitFor(`an arp-gap-warning for ${GUEST_IP} in ${file}`, () =>
      records(file).find((r) => r.kind === 'arp-gap-warning' && r.ip === GUEST_IP && (r.ts as number) > after),
    );
  }

  beforeAll(async () => {
    const t0 = Date.now();
    try {
      m = await Machine.boot('ngunit');
    } catch (err) {
      bootError = err instanceof Error ? err.message : String(err);
      console.log(`test/live/systemd-unit: skipped: the machine did not boot: ${bootError}`);
      return;
    }
    console.log(`test/live/systemd-unit: machine booted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // Installed as the README says: the package where `npm install -g` puts it, the printed unit
    // unchanged (its default ExecStart is that command), options in /etc/default/netgap.
    m.exec(['ln', '-sf', `../lib/node_modules/netgap/dist/cli/main.js`, NETGAP_BIN]);
    m.sh(`${NETGAP_BIN} deploy systemd > /etc/systemd/system/netgap.service`);
    m.write('/etc/default/netgap', options());
    if (dumpcapForGroup) {
      // As the unit's header says for such a host.
      m.exec(['mkdir', '-p', '/etc/systemd/system/netgap.service.d']);
      m.write('/etc/systemd/system/netgap.service.d/wireshark.conf', '[Service]\nSupplementaryGroups=wireshark\n');
    }
    m.exec(['systemctl', 'daemon-reload']);
    expect(m.exec(['test', '-d', `${PACKAGE_DIR}/node_modules`]).status).toBe(0);
  }, 90_000);

  afterAll(async () => {
    await m?.destroy();
  }, 30_000);

  it('starts as a dynamic user holding only the two capabilities, with no new privileges', { timeout: 60_000 }, async (ctx) => {
    const mc = machine(ctx);
    mc.exec(['systemctl', 'start', 'netgap']);
    await waitFor('netgap listening on br0', () => listenings() >= 1);
    expect(mc.exec(['systemctl', 'is-active', 'netgap']).stdout.trim()).toBe('active');
    const s = status(mainPid());
    expect(s.uid).toBeGreaterThanOrEqual(DYNAMIC_UIDS[0]!);
    expect(s.uid).toBeLessThanOrEqual(DYNAMIC_UIDS[1]!);
    expect([s.capEff, s.capPrm, s.capAmb, s.capBnd]).toEqual([TWO_CAPS, TWO_CAPS, TWO_CAPS, TWO_CAPS]);
    expect(s.noNewPrivs).toBe('1');

    const capture = children(mainPid());
    expect(capture.length, 'a capture process').toBeGreaterThan(0);
    for (const c of capture) {
      const cs = status(c.pid);
      expect(cs.uid).toBe(s.uid);
      expect(cs.capBnd).toBe(TWO_CAPS);
    }
    if (dumpcap) {
      // dumpcap gives its capabilities up once the interface is open (capset: the unit lets it through).
      const d = capture.find((c) => c.comm === 'dumpcap');
      expect(d, JSON.stringify(capture)).toBeDefined();
      const ds = await waitFor(
        'dumpcap to drop its capabilities',
        () => {
          const st = status(d!.pid);
          return st.capEff === NO_CAPS ? st : undefined;
        },
        5000,
      );
      expect([ds.capEff, ds.capPrm, ds.capAmb]).toEqual([NO_CAPS, NO_CAPS, NO_CAPS]);
    } else {
      // cap's capture processes (node) capture with the two, ambient.
      for (const c of capture) expect(status(c.pid).capEff).toBe(TWO_CAPS);
    }
  });

  it('captures what the guest sends on br0: alerts in its --output file, messages in the journal, metrics on 127.0.0.1', { timeout: 60_000 }, async (ctx) => {
    const mc = machine(ctx);
    const before = Date.now() / 1000;
    guestTalks();
    const warned = await guestWarned(OUTPUT, before);
    // Each record carries the machine's name, and the file belongs to the service's user, not readable by others.
    expect(warned.host).toBe(mc.exec(['cat', '/proc/sys/kernel/hostname']).stdout.trim());
    const [mode, owner] = mc.exec(['stat', '-L', '-c', '%a %u', OUTPUT]).stdout.trim().split(' ');
    expect(mode).toBe('640');
    expect(Number(owner)).toBe(status(mainPid()).uid);
    // The journal holds netgap's messages (stderr), no NDJSON (stdout stays empty with --output), and nothing refused.
    const j = journal();
    // Loss is measured as outside the unit: sysfs and the capture's statistics are readable.
    expect(j).toMatch(
      new RegExp(`^netgap: listening on ${BRIDGE} \\((dumpcap|cap)\\).*, loss (counted by the kernel|measured against the kernel counters)`, 'm'),
    );
    expect(j).not.toMatch(/^\{/m);
    expect(j).not.toMatch(/Operation not permitted|permission denied|cap_set_proc/i);

    const fetch = mc.inMachineNetwork([
      process.execPath,
      '-e',
      "fetch('http://127.0.0.1:9473/metrics').then((r) => r.text()).then((t) => process.stdout.write(t), (e) => { console.error(String(e)); process.exit(1); })",
    ]);
    expect(fetch.status, fetch.stderr).toBe(0);
    const packets = /^netgap_packets_total (\d+)$/m.exec(fetch.stdout);
    expect(Number(packets?.[1])).toBeGreaterThan(0);
    expect(fetch.stdout).toMatch(new RegExp(`^netgap_capture_packets_total\\{interface="${BRIDGE}"\\} [1-9]`, 'm'));
  });

  it('reopens its output file on `systemctl reload`: after a rename, new lines go to a new file', { timeout: 60_000 }, async (ctx) => {
    const mc = machine(ctx);
    const pid = mainPid();
    mc.exec(['mv', OUTPUT, `${OUTPUT}.1`]);
    const rotated = records(`${OUTPUT}.1`).length;
    mc.exec(['systemctl', 'reload', 'netgap']);
    await waitFor('a new output file', () => mc.exec(['test', '-f', OUTPUT], { allowFail: true }).status === 0);
    const before = Date.now() / 1000;
    guestTalks();
    await guestWarned(OUTPUT, before);
    expect(records(`${OUTPUT}.1`)).toHaveLength(rotated);
    expect(mainPid()).toBe(pid);
  });

  it.skipIf(!logrotate)(
    'is rotated by logrotate with `netgap deploy logrotate`: the old file kept, new lines in a new one',
    { timeout: 60_000 },
    async (ctx) => {
      const mc = machine(ctx);
      const pid = mainPid();
      mc.sh(`${NETGAP_BIN} deploy logrotate > /etc/logrotate.d/netgap`);
      // As Debian's /etc/logrotate.conf runs it: \`create\` from the global section.
      mc.write('/etc/logrotate-netgap.conf', 'create\ninclude /etc/logrotate.d/netgap\n');
      // An ARP exchange after the guest's pings raises alerts after the warning the last test waited for.
      const before = await settled();
      const r = mc.exec(['logrotate', '-f', '-s', '/var/lib/logrotate/netgap.status', '/etc/logrotate-netgap.conf'], { allowFail: true });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
      expect(records(`${OUTPUT}.1`)).toHaveLength(before);
      const after = Date.now() / 1000;
      guestTalks();
      await guestWarned(OUTPUT, after);
      expect(records(`${OUTPUT}.1`)).toHaveLength(before);
      const [mode, owner] = mc.exec(['stat', '-L', '-c', '%a %u', OUTPUT]).stdout.trim().split(' ');
      expect([mode, Number(owner)]).toEqual(['640', status(mainPid()).uid]);
      expect(mainPid()).toBe(pid);
    },
  );

  it('keeps its state file in StateDirectory, written at a restart and read by the next run', { timeout: 60_000 }, async (ctx) => {
    const mc = machine(ctx);
    const pid = mainPid();
    const runs = listenings();
    restartedAt = Date.now() / 1000;
    mc.exec(['systemctl', 'restart', 'netgap']);
    await waitFor('netgap listening again', () => listenings() > runs);
    expect(mainPid()).not.toBe(pid);
    // StateDirectory with DynamicUser: /var/lib/netgap is a link into /var/lib/private, which only root may enter.
    expect(mc.exec(['readlink', '/var/lib/netgap']).stdout.trim()).toBe('private/netgap');
    const [mode, owner] = mc.exec(['stat', '-L', '-c', '%a %u', STATE]).stdout.trim().split(' ');
    expect(mode).toBe('640');
    expect(Number(owner)).toBe(status(mainPid()).uid);
    const state = JSON.parse(mc.exec(['cat', STATE]).stdout) as { stations: unknown[] };
    expect(state.stations.length).toBeGreaterThanOrEqual(2);
  });

  it('is started again after a SIGKILL (Restart=on-failure)', { timeout: 60_000 }, async (ctx) => {
    const mc = machine(ctx);
    const pid = mainPid();
    const runs = listenings();
    const restarts = Number(show('NRestarts').NRestarts);
    mc.exec(['systemctl', 'kill', '-s', 'KILL', 'netgap']);
    const after = await waitFor(
      'systemd to start netgap again',
      () => {
        const p = show('NRestarts', 'MainPID', 'ActiveState', 'SubState');
        return Number(p.NRestarts) > restarts && p.ActiveState === 'active' && Number(p.MainPID) !== pid ? p : undefined;
      },
      20_000,
    );
    expect(after.SubState).toBe('running');
    await waitFor('netgap listening again', () => listenings() > runs);
    // The killed run's capture process went with it: systemd killed the whole cgroup.
    expect(children(mainPid()).length).toBeGreaterThan(0);
    expect(mc.sh('pgrep -c -x dumpcap || true').trim()).toBe(dumpcap ? '1' : '0');
  });

  it('on `systemctl stop`, writes its summary and its state, and exits 0', { timeout: 60_000 }, async (ctx) => {
    const mc = machine(ctx);
    const summaries = records().filter((r) => r.type === 'summary').length;
    const stateBefore = mc.exec(['stat', '-L', '-c', '%Y', STATE]).stdout.trim();
    await sleep(1100); // the state file's mtime is in seconds
    mc.exec(['systemctl', 'stop', 'netgap']);
    const p = show('ActiveState', 'Result', 'ExecMainStatus', 'MainPID');
    expect(p).toMatchObject({ ActiveState: 'inactive', Result: 'success', ExecMainStatus: '0', MainPID: '0' });
    const all = records();
    expect(all.filter((r) => r.type === 'summary')).toHaveLength(summaries + 1);
    const summary = all.at(-1)!;
    expect(summary.type).toBe('summary');
    // The guest seen before the restarts is still a station: the state carried it through both.
    const stations = summary.stations as { ips: string[]; first_seen: number }[];
    const guest = stations.find((s) => s.ips.includes(GUEST_IP));
    expect(guest, JSON.stringify(stations)).toBeDefined();
    expect(guest!.first_seen).toBeLessThan(restartedAt);
    expect(Number(mc.exec(['stat', '-L', '-c', '%Y', STATE]).stdout.trim())).toBeGreaterThan(Number(stateBefore));
    expect(mc.sh('pgrep -c -x dumpcap || true').trim()).toBe('0');
    // Nothing was refused in any run: dumpcap reports a refused capset as it exits.
    expect(journal()).not.toMatch(/Operation not permitted|permission denied|cap_set_proc/i);
  });

  it.skipIf(!dumpcap || !capBuilt())(
    'runs the in-process engine too (--capture-engine cap): its capture processes hold the two capabilities',
    { timeout: 60_000 },
    async (ctx) => {
      const mc = machine(ctx);
      mc.write('/etc/default/netgap', options(' --capture-engine cap'));
      const runs = listenings();
      mc.exec(['systemctl', 'start', 'netgap']);
      await waitFor('netgap listening with cap', () => listenings() > runs);
      expect(journal()).toMatch(new RegExp(`^netgap: listening on ${BRIDGE} \\(cap\\).*, loss measured against the kernel counters`, 'm'));
      const uid = status(mainPid()).uid;
      const capture = children(mainPid());
      expect(capture.map((c) => c.comm)).toEqual(['node']);
      const cs = status(capture[0]!.pid);
      expect([cs.uid, cs.capEff, cs.capBnd]).toEqual([uid, TWO_CAPS, TWO_CAPS]);
      const before = Date.now() / 1000;
      guestTalks();
      await guestWarned(OUTPUT, before);
      mc.exec(['systemctl', 'stop', 'netgap']);
      expect(show('Result', 'ExecMainStatus')).toEqual({ Result: 'success', ExecMainStatus: '0' });
      mc.write('/etc/default/netgap', options());
    },
  );

  it('waits for a bridge made after it (libvirt makes virbr0 late): exit 2, started again every 5 s until the bridge is there', {
    timeout: 60_000,
  }, async (ctx) => {
    const mc = machine(ctx);
    mc.write('/etc/default/netgap', options('', 'br1'));
    const restarts = Number(show('NRestarts').NRestarts);
    mc.exec(['systemctl', 'start', 'netgap']);
    await waitFor('netgap to miss br1', () => /cannot capture on br1: no such interface/.test(journal()));
    await waitFor('systemd to schedule a restart', () => show('SubState').SubState === 'auto-restart');
    // The reason is an error in the journal (a `<3>` prefix), where `journalctl -p err` finds it.
    const errors = mc.exec(['journalctl', '-u', 'netgap', '-p', 'err', '-o', 'cat', '--no-pager']).stdout;
    expect(errors).toMatch(/cannot capture on br1: no such interface/);
    expect(errors).not.toMatch(/listening on/);
    mc.exec(['ip', 'link', 'add', 'br1', 'type', 'bridge']);
    mc.exec(['ip', 'link', 'set', 'br1', 'up']);
    await waitFor('netgap listening on br1', () => listenings('br1') >= 1, 20_000);
    const p = show('ActiveState', 'NRestarts');
    expect(p.ActiveState).toBe('active');
    expect(Number(p.NRestarts)).toBeGreaterThan(restarts);
    mc.exec(['systemctl', 'stop', 'netgap']);
    mc.exec(['ip', 'link', 'del', 'br1']);
    mc.write('/etc/default/netgap', options());
  });

  it.skipIf(!dumpcap || dumpcapForGroup)(
    'where dumpcap is kept for the wireshark group, the unit needs the group in a drop-in (SupplementaryGroups=wireshark)',
    { timeout: 60_000 },
    async (ctx) => {
      const mc = machine(ctx);
      const path = mc.sh('command -v dumpcap').trim();
      // As `dpkg-reconfigure wireshark-common` (yes) leaves it, in the machine's throw-away root.
      mc.sh(`getent group wireshark >/dev/null || groupadd --system wireshark; chgrp wireshark ${path}; chmod 0750 ${path}`);
      const runs = listenings();
      mc.exec(['systemctl', 'start', 'netgap']);
      await waitFor('netgap to refuse', () => /cannot capture on br0: permission denied/.test(journal()));
      expect(show('Result').Result).toBe('exit-code');
      mc.exec(['mkdir', '-p', '/etc/systemd/system/netgap.service.d']);
      mc.write('/etc/systemd/system/netgap.service.d/wireshark.conf', '[Service]\nSupplementaryGroups=wireshark\n');
      mc.exec(['systemctl', 'daemon-reload']);
      mc.exec(['systemctl', 'restart', 'netgap']);
      await waitFor('netgap listening with the group', () => listenings() > runs);
      const gid = Number(mc.sh('getent group wireshark | cut -d: -f3').trim());
      const d = children(mainPid()).find((c) => c.comm === 'dumpcap');
      expect(d).toBeDefined();
      expect(status(d!.pid).groups).toContain(gid);
      mc.exec(['systemctl', 'stop', 'netgap']);
      expect(show('Result').Result).toBe('success');
    },
  );
});
