// `netgap live` as a service on a namespace lab: a restart with --state carries a station's ARP age on; --output appends both runs with the sensor's name.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NdjsonRecord } from './lab';
import { finished, HOST_A, HOST_B, Lab, labSkipReason, NetgapRun, sleep, toolMissing } from './lab';

const skip = labSkipReason() ?? toolMissing('arping', 'ping');
if (skip !== null) console.log(`test/live/service: skipped: ${skip}`);

describe.skipIf(skip !== null)('netgap live --state, --output', () => {
  let lab: Lab;
  const runs: NetgapRun[] = [];
  beforeAll(() => {
    lab = new Lab('s', 'ngfleet-');
    // b answers a's pings from the neighbour entry a's ARP request left; Linux confirms such an
    // entry by a unicast ARP probe 5 s after its first use (delay_first_probe_time; ICMP confirms
    // nothing), and a's reply is an ARP from a during the restarted run, which the restart test
    // must not see. 60 s keeps b from probing during these tests.
    lab.run(lab.b, ['sh', '-c', 'echo 60 > /proc/sys/net/ipv4/neigh/eth0/delay_first_probe_time']);
  });
  afterAll(async () => {
    for (const r of runs) await r.stop('SIGKILL').catch(() => undefined);
    lab?.destroy();
  });

  it('a restart keeps the station: its ARP from before the restart expires --arp-threshold after it, with no second warning', { timeout: 60_000 }, async () => {
    const state = join(lab.dir, 'state.json');
    const output = join(lab.dir, 'alerts.ndjson');
    const args = ['-i', 'sw-a', '-i', 'sw-b', '--json', '--arp-warn', '1', '--arp-threshold', '3', '--state', state, '--output', output, '--sensor', 'lab-1'];

    const first = new NetgapRun(lab, lab.sw, args);
    runs.push(first);
    await first.listening(2);
    await finished(lab.announceA());
    // Long enough to go on 3 s past the second run's start: its deadlines count from the restart.
    const ping = lab.spawn(lab.a, ['ping', '-q', '-c', '60', '-i', '0.2', HOST_B]);
    await sleep(1800);
    expect((await first.stop('SIGTERM')).code).toBe(0);
    expect(existsSync(state)).toBe(true);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { stations: { ips: number[] }[] };
    expect(saved.stations.length).toBeGreaterThanOrEqual(1);
    const records1 = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as NdjsonRecord);
    const warned = records1.find((r) => r.kind === 'arp-gap-warning' && r.ip === HOST_A);
    expect(warned, first.stderr).toBeDefined();

    const restartedAt = Date.now() / 1000;
    const second = new NetgapRun(lab, lab.sw, args);
    runs.push(second);
    await second.listening(2);
    await finished(ping);
    expect((await second.stop('SIGTERM')).code).toBe(0);

    const records = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as NdjsonRecord);
    const after = records.slice(records1.length);
    const expired = after.find((r) => r.kind === 'arp-gap-expired' && r.ip === HOST_A);
    expect(expired, `${second.stderr}\n${after.map((r) => r.kind).join(' ')}`).toBeDefined();
    // The ARP it measures from was seen by the first run only.
    expect(expired!.last_arp_ts as number).toBeLessThan(restartedAt);
    // Counted from the restart: the station may have ARPed while netgap was down.
    expect(expired!.ts as number).toBeGreaterThan(restartedAt + 3);
    expect(expired!.last_arp_ts).toBe(warned!.last_arp_ts);
    // It says how long netgap was not watching: from the first run's last moment to the second's first.
    expect(expired!.unwatched_s as number).toBeGreaterThan(0);
    expect(expired!.unwatched_s as number).toBeLessThan(Date.now() / 1000 - (warned!.ts as number));
    expect(after.filter((r) => r.kind === 'arp-gap-warning' && r.ip === HOST_A && r.last_arp_ts === warned!.last_arp_ts)).toEqual([]);
    // Both runs appended, every record with the sensor's name; stdout stayed empty.
    expect(records.every((r) => r.host === 'lab-1')).toBe(true);
    expect(records.filter((r) => r.type === 'summary')).toHaveLength(2);
    expect([first.lines, second.lines]).toEqual([[], []]);
  });

  it("runs as an unprivileged user with only the unit's two capabilities, ambient (as `netgap deploy systemd` sets them)", { timeout: 60_000 }, async () => {
    const state = join(lab.dir, 'nobody-state.json');
    const run = new NetgapRun(
      lab,
      lab.sw,
      ['-i', 'sw-a', '--json', '--arp-warn', '1', '--arp-threshold', '2', '--state', state, '--metrics', '127.0.0.1:19474'],
      {
        user: 'nobody',
        caps: ['net_raw', 'net_admin'],
      },
    );
    runs.push(run);
    await run.listening(1);
    await finished(lab.announceA());
    await sleep(300);
    expect((await run.stop('SIGTERM')).code).toBe(0);
    expect(run.summary().packets as number).toBeGreaterThan(0);
    expect(existsSync(state)).toBe(true);

    // Without them, capture is refused with the one-line hint.
    const bare = new NetgapRun(lab, lab.sw, ['-i', 'sw-a', '--json'], { user: 'nobody', caps: [] as string[] });
    runs.push(bare);
    expect((await bare.exited).code).toBe(2);
    expect(bare.stderr).toMatch(/^netgap: cannot capture on sw-a: permission denied/);
  });
});
