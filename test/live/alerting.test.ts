// End to end on a namespace lab: `netgap live --metrics` sees an ARP-refresh gap, a real Prometheus scrapes it and fires the shipped rule, a real Alertmanager routes it to a webhook.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertingStack, stackSkipReason } from '../deploy/stack';
import { finished, HOST_A, HOST_B, Lab, labSkipReason, NetgapRun, toolMissing } from './lab';

const skip = labSkipReason() ?? stackSkipReason() ?? toolMissing('arping', 'ping');
if (skip !== null) console.log(`test/live/alerting: skipped: ${skip}`);

/** Fixed ports: the switch namespace is new, nothing else listens in it. */
const PORTS = { prometheus: 19090, alertmanager: 19093, receiver: 15001 };
const METRICS = '127.0.0.1:19473';

describe.skipIf(skip !== null)('netgap live -> Prometheus -> Alertmanager -> webhook', () => {
  let lab: Lab;
  let stack: AlertingStack | undefined;
  let run: NetgapRun | undefined;
  beforeAll(() => {
    lab = new Lab('m', 'ngfleet-');
  });
  afterAll(async () => {
    if (run !== undefined) await run.stop('SIGTERM');
    await stack?.stop();
    lab?.destroy();
  });

  it('an ARP-gap expiry on the lab pages through the shipped rules and route', { timeout: 90_000 }, async () => {
    run = new NetgapRun(lab, lab.sw, ['-i', 'sw-a', '-i', 'sw-b', '--json', '--arp-warn', '1', '--arp-threshold', '2', '--metrics', METRICS]);
    await run.listening(2);
    expect(run.stderr).toContain(`metrics at http://${METRICS}/metrics`);

    // Prometheus, Alertmanager and the receiver run in the switch namespace too, beside netgap's endpoint.
    const probe = (url: string): Promise<boolean> =>
      new Promise((resolve) => {
        const p = spawn(
          'ip',
          ['netns', 'exec', lab.sw, process.execPath, '-e', `fetch(${JSON.stringify(url)}).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
          { stdio: 'ignore' },
        );
        p.on('close', (code) => setTimeout(() => resolve(code === 0), 200));
      });
    stack = new AlertingStack((cmd) => lab.spawn(lab.sw, cmd), PORTS, METRICS, probe);
    await stack.start();

    // Host a announces itself, then keeps pinging b: its ARP ages past 2 s while it talks.
    await finished(lab.announceA());
    const ping = lab.spawn(lab.a, ['ping', '-q', '-c', '150', '-i', '0.2', HOST_B]);
    const { post, alert } = await stack.firing('NetgapStationCutOff', 60_000);
    ping.kill('SIGINT');

    const expired = run.alerts().find((a) => a.kind === 'arp-gap-expired' && a.ip === HOST_A);
    expect(expired, run.stderr).toBeDefined();
    const line = run.lines.find((l) => l.text.includes('"arp-gap-expired"'))!;
    console.log(`arp-gap-expired printed -> webhook: ${(post.at - line.at).toFixed(1)} s`);
    expect(alert.labels).toMatchObject({ alertname: 'NetgapStationCutOff', severity: 'critical', job: 'netgap', instance: METRICS });
    expect(post.at).toBeGreaterThan(line.at);

    const exit = await run.stop('SIGTERM');
    run = undefined;
    expect(exit.code).toBe(0);
  });
});
