// `netgap live` on real interfaces in network namespaces, with each capture engine: same alerts as `netgap read` on its --write copy, filters, interfaces that go away, idle, loss.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NdjsonRecord } from './lab';
import { burstFile, captureEngines, FIXTURES, finished, HOST_A, HOST_B, Lab, labSkipReason, NetgapRun, readJson, sleep, toolMissing } from './lab';

const skip = labSkipReason();
if (skip !== null) console.log(`test/live: skipped: ${skip}`);

/** Short ARP-gap thresholds, so that a few seconds of lab traffic warn, expire and recover. */
const GAP = ['--arp-warn', '1', '--arp-threshold', '2'];
/** A small ring starts fast; the functional tests send a few hundred frames. */
const SMALL_RING = ['--buffer-size', '8'];

const isCapture = (a: NdjsonRecord): boolean => a.kind.startsWith('capture-');
/** Every engine installed here: dumpcap (where found) and cap. */
const ENGINES = skip === null ? captureEngines() : [];
if (skip === null && !ENGINES.includes('dumpcap')) console.log('test/live: dumpcap is not installed: the cap engine only');

/** True (and says why) when a test's tools are missing. */
function lacks(...tools: string[]): boolean {
  const missing = skip === null ? toolMissing(...tools) : null;
  if (missing !== null) console.log(`test/live: a test skipped: ${missing}`);
  return missing !== null;
}

describe.skipIf(skip !== null).each(ENGINES)('netgap live in a namespace lab (%s)', (engine) => {
  let lab: Lab;
  const E = ['--capture-engine', engine];
  beforeAll(() => {
    lab = new Lab(`l${engine[0]}`);
  });
  afterAll(() => lab?.destroy());

  it('raises the same alerts as `netgap read` on its --write copy, each within a second of its time', {
    skip: lacks('arping', 'ping', 'nft', 'tcpreplay'),
    timeout: 60_000,
  }, async () => {
    const copy = join(lab.dir, 'copy.pcapng');
    const run = new NetgapRun(lab, lab.sw, ['-i', 'sw-a', '-i', 'sw-b', '--json', '--write', copy, ...GAP, ...SMALL_RING, ...E]);
    await run.listening(2);

    // Host a announces itself, then pings b every 0.2 s: warning at 1 s (a timer: raised by a
    // tick between two pings), expiry past 2 s. Meanwhile b drops the echo requests for 1.5 s
    // (nftables), and a VLAN-tagged fixture is replayed onto a's link. A second announcement
    // ends the gap (recovered).
    const announce = lab.announceA();
    await sleep(100);
    const ping = lab.spawn(lab.a, ['ping', '-q', '-c', '20', '-i', '0.2', HOST_B]);
    await sleep(1500);
    lab.run(lab.b, ['nft', 'add table inet ngdrop { chain input { type filter hook input priority 0; icmp type echo-request drop; }; }']);
    lab.run(lab.a, ['tcpreplay', '-q', '-i', 'eth0', '--topspeed', join(FIXTURES, 'vlan-tagged.pcap')]);
    await sleep(1500);
    lab.run(lab.b, ['nft', 'delete table inet ngdrop']);
    await finished(ping);
    await finished(announce);
    await finished(lab.announceA());
    await sleep(300);
    const exit = await run.stop('SIGTERM');
    expect(exit.code, run.stderr).toBe(0);

    const live = run.alerts();
    // Live records always carry the sensor's name; `read` of the copy does when given it.
    const host = run.summary().host;
    expect(typeof host === 'string' && host !== '').toBe(true);
    const offline = readJson(copy, [...GAP, '--sensor', host as string]);
    const summary = offline.find((r) => r.type === 'summary')!;
    const lastFrame = summary.last_ts as number;
    expect(run.summary().packets).toBe(summary.packets);
    expect(run.summary().packets).toBeGreaterThan(100);
    // Alerts up to the last captured frame are identical. After it, only the live run can see time
    // pass (its ticks): timers due before the stop fire there and nowhere else.
    expect(live.filter((a) => !isCapture(a) && a.ts <= lastFrame)).toEqual(offline.filter((r) => r.type === 'alert'));
    const afterLast = live.filter((a) => !isCapture(a) && a.ts > lastFrame);
    if (afterLast.length > 0) console.log(`timers that fired after the last frame: ${afterLast.map((a) => a.kind).join(', ')}`);
    expect(live.filter(isCapture)).toEqual([]);

    const macA = live.find((a) => a.ip === HOST_A)?.mac;
    const kindsA = live.filter((a) => a.mac === macA).map((a) => a.kind);
    expect(kindsA).toEqual(expect.arrayContaining(['arp-gap-warning', 'arp-gap-expired', 'arp-gap-recovered']));
    const warning = live.find((a) => a.mac === macA && a.kind === 'arp-gap-warning')!;
    expect(warning.ts).toBeCloseTo((warning.last_arp_ts as number) + 1, 6);

    const delays = run.lines.map((l) => {
      const r = JSON.parse(l.text) as NdjsonRecord;
      return r.type === 'alert' ? l.at - r.ts : 0;
    });
    console.log(`alerts: ${live.map((a) => a.kind).join(', ')}; latency max ${(Math.max(...delays) * 1000).toFixed(0)} ms`);
    expect(Math.max(...delays)).toBeLessThan(1);
  });

  it('keeps every ARP frame, 802.1Q-tagged or not, with a --filter that matches none of them', {
    skip: lacks('tcpreplay', 'tcpdump'),
    timeout: 30_000,
  }, async () => {
    const copy = join(lab.dir, 'filtered.pcap');
    const run = new NetgapRun(lab, lab.sw, ['-i', 'sw-a', '--json', '--filter', 'icmp', '--write', copy, ...SMALL_RING, ...E]);
    await run.listening(1);
    lab.run(lab.a, ['tcpreplay', '-q', '-i', 'eth0', '--topspeed', join(FIXTURES, 'vlan-tagged.pcap')]);
    await sleep(300);
    expect((await run.stop()).code).toBe(0);
    const count = (file: string, filter: string): number =>
      spawnSync('tcpdump', ['-nn', '-r', file, filter], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((l) => l !== '').length;
    // The fixture: 29 ARP frames, 16 of them on VLAN 42, among 127 frames (the rest DNS on VLAN 42).
    expect(count(copy, 'arp or (vlan and arp)')).toBe(29);
    expect(count(copy, 'vlan and arp')).toBe(16);
    expect(count(copy, 'vlan and udp')).toBe(0);
    const capture = run.summary().capture as { interfaces: { loss_method: string }[]; filter: string };
    expect(capture.filter).toBe('icmp');
    // dumpcap's kernel counts cover what the filter accepted; the interface counters (cap) cannot.
    expect(capture.interfaces[0]!.loss_method).toBe(engine === 'dumpcap' ? 'pcap-stats' : 'not-measured-filter');
  });

  it('raises capture-stopped when an interface goes away, and capture-resumed when it is back', { timeout: 40_000 }, async () => {
    lab.ip('-n', lab.sw, 'link', 'add', 'tmp0', 'type', 'veth', 'peer', 'name', 'tmp1');
    lab.ip('-n', lab.sw, 'link', 'set', 'tmp0', 'up');
    const run = new NetgapRun(lab, lab.sw, ['-i', 'tmp0', '-i', 'sw-a', '--json', ...SMALL_RING, ...E]);
    await run.listening(2);
    lab.ip('-n', lab.sw, 'link', 'del', 'tmp0');
    await sleep(1000);
    lab.ip('-n', lab.sw, 'link', 'add', 'tmp0', 'type', 'veth', 'peer', 'name', 'tmp1');
    lab.ip('-n', lab.sw, 'link', 'set', 'tmp0', 'up');
    const deadline = Date.now() + 10_000;
    while (!run.lines.some((l) => l.text.includes('capture-resumed')) && Date.now() < deadline) await sleep(100);
    expect((await run.stop()).code).toBe(0);
    lab.ip('-n', lab.sw, 'link', 'del', 'tmp0');
    const alerts = run.alerts();
    expect(alerts.map((a) => [a.kind, a.interface])).toEqual([
      ['capture-stopped', 'tmp0'],
      ['capture-resumed', 'tmp0'],
    ]);
    expect(alerts[0]).toMatchObject({ severity: 'critical', reason: 'interface-gone', retry: true });
    expect(alerts[1]!.down_s as number).toBeGreaterThan(1);
    const capture = run.summary().capture as { interfaces: { name: string; restarts: number }[] };
    expect(capture.interfaces.map((i) => [i.name, i.restarts])).toEqual([
      ['tmp0', 1],
      ['sw-a', 0],
    ]);
  });

  it('with --no-retry, exits 2 after capture-stopped and the summary', { timeout: 30_000 }, async () => {
    lab.ip('-n', lab.sw, 'link', 'add', 'tmp0', 'type', 'veth', 'peer', 'name', 'tmp1');
    lab.ip('-n', lab.sw, 'link', 'set', 'tmp0', 'up');
    const run = new NetgapRun(lab, lab.sw, ['-i', 'tmp0', '--json', '--no-retry', ...SMALL_RING, ...E]);
    await run.listening(1);
    lab.ip('-n', lab.sw, 'link', 'del', 'tmp0');
    const exit = await run.exited;
    expect(exit.code).toBe(2);
    expect(run.alerts().map((a) => [a.kind, a.retry])).toEqual([['capture-stopped', false]]);
    expect(run.summary().type).toBe('summary');
  });

  it('raises capture-idle once per silence, --idle seconds after the last frame', { skip: lacks('ping'), timeout: 30_000 }, async () => {
    const run = new NetgapRun(lab, lab.sw, ['-i', 'sw-b', '--json', '--idle', '1', ...SMALL_RING, ...E]);
    await run.listening(1);
    await sleep(2600);
    lab.run(lab.a, ['ping', '-q', '-c', '1', HOST_B]);
    await sleep(2600);
    expect((await run.stop()).code).toBe(0);
    const idle = run.alerts();
    expect(idle.map((a) => [a.kind, a.interface, a.idle_s])).toEqual([
      ['capture-idle', 'sw-b', 1],
      ['capture-idle', 'sw-b', 1],
    ]);
    expect(idle[1]!.ts).toBe((run.summary().last_ts as number) + 1);
  });

  it('reports no loss on a loopback interface, which counts each packet as sent and as received', { skip: lacks('ping'), timeout: 30_000 }, async () => {
    const run = new NetgapRun(lab, lab.a, ['-i', 'lo', '--json', ...SMALL_RING, ...E]);
    await run.listening(1);
    lab.run(lab.a, ['ping', '-q', '-c', '5', '-i', '0.2', '127.0.0.1']);
    await sleep(1200);
    expect((await run.stop()).code).toBe(0);
    const iface = (run.summary().capture as { interfaces: { frames: number; packets_counted: number; packets_lost: number; loss_method: string }[] })
      .interfaces[0]!;
    expect(iface).toMatchObject({ frames: 10, packets_counted: 10, packets_lost: 0, loss_method: engine === 'dumpcap' ? 'pcap-stats' : 'kernel-counters' });
    expect(run.alerts().filter((a) => a.kind === 'capture-loss')).toEqual([]);
  });
});

describe.skipIf(skip !== null).each(ENGINES)('netgap live under a 100 kpps burst (%s)', (engine) => {
  let lab: Lab;
  let burst: string;
  const FRAMES = 300_000;
  beforeAll(() => {
    lab = new Lab(`b${engine[0]}`);
    burst = join(lab.dir, 'burst.pcap');
    burstFile(burst, FRAMES);
  });
  afterAll(() => lab?.destroy());

  /** One burst, captured by tcpdump (the oracle) and netgap on the same interface. */
  async function measure(netgapArgs: string[]): Promise<{ real: number; frames: number; lost: number; alerted: number }> {
    const tcpdump = lab.spawn(lab.sw, ['tcpdump', '-i', 'sw-a', '-B', '262144', '-w', '/dev/null']);
    let tcpdumpErr = '';
    tcpdump.stderr!.setEncoding('utf8').on('data', (t: string) => (tcpdumpErr += t));
    const run = new NetgapRun(lab, lab.sw, ['-i', 'sw-a', '--json', '--capture-engine', engine, ...netgapArgs]);
    await run.listening(1);
    while (!tcpdumpErr.includes('listening')) await sleep(50);
    const replay = lab.run(lab.a, ['tcpreplay', '-i', 'eth0', '--pps', '100000', burst]);
    console.log(
      replay.stdout
        .split('\n')
        .find((l) => l.includes('Rated'))
        ?.trim(),
    );
    await sleep(1500);
    expect((await run.stop()).code, run.stderr).toBe(0);
    tcpdump.kill('SIGINT');
    await finished(tcpdump);
    const captured = Number(/(\d+) packets? captured/.exec(tcpdumpErr)?.[1]);
    const dropped = Number(/(\d+) packets? dropped by kernel/.exec(tcpdumpErr)?.[1]);
    expect(dropped, `the oracle lost packets itself: ${tcpdumpErr}`).toBe(0);
    const iface = (run.summary().capture as { interfaces: { frames: number; packets_lost: number; packets_counted: number }[] }).interfaces[0]!;
    const alerted = run
      .alerts()
      .filter((a) => a.kind === 'capture-loss')
      .reduce((sum, a) => sum + (a.packets_lost as number), 0);
    return { real: captured, frames: iface.frames, lost: iface.packets_lost, alerted };
  }

  it('reports exactly the loss a small buffer really caused, as tcpdump on the same interface shows it', {
    skip: lacks('tcpreplay', 'tcpdump'),
    timeout: 60_000,
  }, async () => {
    // dumpcap's ring packs small frames, so its smallest buffer (1 MiB) still holds about 10,000 of them.
    const mib = engine === 'dumpcap' ? '1' : '2';
    const m = await measure(['--buffer-size', mib]);
    console.log(`--buffer-size ${mib}: tcpdump ${m.real}, netgap ${m.frames}, reported lost ${m.lost}`);
    expect(m.real).toBeGreaterThanOrEqual(FRAMES);
    // cap's ring of 64 KiB slots always overflows here; dumpcap's may keep up on a quiet machine, and then reports none.
    if (engine === 'cap') expect(m.lost).toBeGreaterThan(0);
    else if (m.lost === 0) console.log('dumpcap kept up with a 1 MiB buffer: no loss to compare');
    expect(m.lost).toBe(m.real - m.frames);
    expect(m.alerted).toBe(m.lost);
  });

  it('reports exactly the loss at the default buffer size (none on a machine that keeps up)', {
    skip: lacks('tcpreplay', 'tcpdump'),
    timeout: 60_000,
  }, async () => {
    const m = await measure([]);
    console.log(`default buffer: tcpdump ${m.real}, netgap ${m.frames}, reported lost ${m.lost}`);
    expect(m.lost).toBe(m.real - m.frames);
    expect(m.alerted).toBe(m.lost);
  });
});

/** Pids whose parent is `pid` (from /proc, as pgrep -P would list them). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // The parent pid is the 2nd field after the command name, which may hold spaces.
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
      } catch {
        return false; // it exited meanwhile
      }
    })
    .map(Number);
}

function uidOf(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

describe.skipIf(skip !== null).each(ENGINES)('netgap live permissions (%s)', (engine) => {
  let lab: Lab;
  const E = ['--capture-engine', engine];
  beforeAll(() => {
    lab = new Lab(`p${engine[0]}`);
  });
  afterAll(() => lab?.destroy());

  it('says in one line how to get permission when it has none', { skip: lacks('setpriv'), timeout: 30_000 }, async () => {
    const run = new NetgapRun(lab, lab.sw, ['-i', 'sw-a', ...E], { user: 'nobody' });
    const exit = await run.exited;
    expect(exit.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^netgap: cannot capture on sw-a: permission denied\. Run netgap as root, or .*setcap cap_net_raw,cap_net_admin=eip/);
    if (engine === 'dumpcap') expect(lines[0]).toMatch(/wireshark-common.*usermod -a -G wireshark/);
  });

  it('with --user, drops root once the interfaces are open, and writes the copy as that user', { timeout: 30_000 }, async () => {
    const copy = join(lab.dir, 'user.pcap');
    const run = new NetgapRun(lab, lab.sw, ['-i', 'sw-a', '--user', 'nobody', '--write', copy, ...SMALL_RING, ...E]);
    await run.listening(1);
    await sleep(300);
    const seen = [run.pid, ...childrenOf(run.pid)].map(uidOf);
    expect((await run.stop()).code).toBe(0);
    const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout);
    expect(seen.length).toBeGreaterThanOrEqual(2); // netgap and its capture process
    expect(seen.every((u) => u === nobody)).toBe(true);
    expect(statSync(copy).uid).toBe(nobody);
  });
});
