// End to end without capture: netgap's metrics endpoint -> a real Prometheus with the shipped rules -> a real Alertmanager with the shipped route -> a webhook. (The same with `netgap live` on a namespace lab: test/live/alerting.test.ts.)

import { afterAll, describe, expect, it } from 'vitest';
import { NetgapMetrics } from '../../src/output/metrics/metrics';
import type { MetricsServer } from '../../src/output/metrics/server';
import { serveMetrics } from '../../src/output/metrics/server';
import { arp, engine, GUEST, GUEST_IP, udp } from '../detect/facts';
import { AlertingStack, freePort, plainSpawn, stackSkipReason } from './stack';

const skip = stackSkipReason();
if (skip !== null) console.log(`test/deploy/alerting: skipped: ${skip}`);

const T0 = 1_700_000_000;

describe.skipIf(skip !== null)('alerting from the metrics endpoint through Prometheus and Alertmanager', () => {
  let stack: AlertingStack | undefined;
  let server: MetricsServer | undefined;
  afterAll(async () => {
    await stack?.stop();
    await server?.close();
  });

  it('a station cut off (arp-gap-expired) pages through the shipped rules and route', { timeout: 60_000 }, async () => {
    const { engine: e, alerts } = engine();
    const metrics = new NetgapMetrics({ version: '0.0.0-test', stations: 0, engine: () => e });
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    for (let t = 10; t <= 310; t += 10) e.handleDecoded(udp(GUEST), T0 + t);
    alerts.forEach((a) => metrics.alert(a));
    expect(alerts.map((a) => a.kind)).toContain('arp-gap-expired');
    server = await serveMetrics(metrics, { host: '127.0.0.1', port: 0 });
    const target = `127.0.0.1:${server.address.port}`;

    stack = new AlertingStack(plainSpawn, { prometheus: await freePort(), alertmanager: await freePort(), receiver: await freePort() }, target);
    const started = Date.now() / 1000;
    await stack.start();
    const { post, alert } = await stack.firing('NetgapStationCutOff', 40_000);
    console.log(`NetgapStationCutOff at the webhook ${(post.at - started).toFixed(1)} s after Prometheus started`);
    expect(alert.labels).toMatchObject({ alertname: 'NetgapStationCutOff', severity: 'critical', job: 'netgap', instance: target });
    expect(alert.annotations.summary).toBe(`A station on ${target} is cut off by the bridge (ARP-refresh gap)`);
    expect(post.path).toBe('/netgap');
    // Nothing else of the shipped rules fires on this host: no blackout, no loss, scraped fine.
    expect(
      stack
        .posts()
        .flatMap((p) => p.body.alerts.map((a) => a.labels.alertname))
        .filter((n) => n !== 'NetgapStationCutOff'),
    ).toEqual([]);
  });
});
