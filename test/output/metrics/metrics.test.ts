// Metrics: series fed by alerts and read from the engine at scrape time, served over HTTP, written as a textfile, linted by promtool.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/detect/alerts';
import { parseListenAddress } from '../../../src/output/metrics/listen';
import { NetgapMetrics } from '../../../src/output/metrics/metrics';
import { MetricsListenError, serveMetrics } from '../../../src/output/metrics/server';
import { TextfileWriter } from '../../../src/output/metrics/textfile';
import { arp, engine, GUEST, GUEST_IP, ip, OTHER, udp } from '../../detect/facts';

const T0 = 1_700_000_000;
const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
if (promtool === '') console.log('test/output/metrics: promtool checks skipped: promtool is not installed (apt-get install prometheus)');

/** `promtool check metrics` on an exposition: its exit status and what it said. */
function promtoolCheck(text: string): { status: number | null; out: string } {
  const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The value of one series in an exposition, or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A station that ARPs at T0 and keeps talking: warned at 240 s, expired past 300 s; another that ARPed and fell silent. */
function scenario(stations = 0) {
  const { engine: e, alerts } = engine();
  const metrics = new NetgapMetrics({
    version: '9.9.9',
    stations,
    engine: () => e,
    interfaces: () => [
      { name: 'eth0', frames: 1234, lost: 5 },
      { name: 'eth1', frames: 7, lost: null },
    ],
  });
  const feed = (d: Parameters<typeof e.handleDecoded>[0], t: number) => {
    const before = alerts.length;
    e.handleDecoded(d, t);
    for (const a of alerts.slice(before)) metrics.alert(a);
  };
  feed(arp(GUEST, GUEST_IP), T0);
  feed(arp(OTHER, ip('198.51.100.12')), T0);
  for (let t = 10; t <= 310; t += 10) feed(udp(GUEST), T0 + t);
  return { e, alerts, metrics, feed };
}

describe('NetgapMetrics', () => {
  it('reads the engine at scrape time: packets, stations by state, the oldest talking ARP age, the thresholds', async () => {
    const { metrics, alerts } = scenario();
    expect(alerts.map((a) => a.kind)).toEqual(['arp-gap-warning', 'arp-gap-expired']);
    const text = await metrics.scrape();
    expect(value(text, 'netgap_packets_total')).toBe(33);
    expect(value(text, 'netgap_stations{state="expired"}')).toBe(1);
    expect(value(text, 'netgap_stations{state="silent"}')).toBe(1);
    expect(value(text, 'netgap_stations{state="ok"}')).toBe(0);
    expect(value(text, 'netgap_stations{state="warning"}')).toBe(0);
    expect(value(text, 'netgap_arp_age_max_seconds')).toBe(310);
    expect(value(text, 'netgap_arp_threshold_seconds')).toBe(300);
    expect(value(text, 'netgap_arp_warn_seconds')).toBe(240);
    expect(value(text, 'netgap_build_info{version="9.9.9"}')).toBe(1);
    expect(value(text, 'netgap_capture_packets_total{interface="eth0"}')).toBe(1234);
    expect(value(text, 'netgap_capture_dropped_packets_total{interface="eth0"}')).toBe(5);
    // Not measured: no series rather than a false 0.
    expect(value(text, 'netgap_capture_dropped_packets_total{interface="eth1"}')).toBeUndefined();
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });

  it('after a live restart claims no ARP age netgap did not watch: ages and states count from the restart', async () => {
    const first = engine();
    first.engine.handleDecoded(arp(GUEST, GUEST_IP), T0);
    for (let t = 10; t <= 200; t += 10) first.engine.handleDecoded(udp(GUEST), T0 + t);
    const state = JSON.parse(JSON.stringify(first.engine.toState())) as ReturnType<typeof first.engine.toState>;
    const { engine: e, alerts } = engine();
    e.restore(state);
    e.clock.markRestart();
    e.tick(T0 + 1000); // away 800 s: the station may have ARPed then
    e.handleDecoded(udp(GUEST), T0 + 1100);
    const metrics = new NetgapMetrics({ version: '1', stations: 4, engine: () => e });
    const text = await metrics.scrape();
    expect(alerts).toEqual([]);
    expect(value(text, 'netgap_arp_age_max_seconds')).toBe(100);
    expect(value(text, 'netgap_stations{state="ok"}')).toBe(1);
    expect(value(text, 'netgap_stations{state="expired"}')).toBe(0);
  });

  it('counts alerts by kind and severity, every kind present from the start at 0', async () => {
    const { metrics } = scenario();
    const text = await metrics.scrape();
    expect(value(text, 'netgap_alerts_total{kind="arp-gap-warning",severity="warning"}')).toBe(1);
    expect(value(text, 'netgap_alerts_total{kind="arp-gap-expired",severity="critical"}')).toBe(1);
    expect(value(text, 'netgap_alerts_total{kind="inbound-blackout",severity="critical"}')).toBe(0);
    expect(value(text, 'netgap_blackouts_total{cause="interface-quarantine"}')).toBe(0);
    expect(value(text, 'netgap_network_changes_total')).toBe(0);
  });

  it('counts blackouts by cause into the duration histogram, and network changes', async () => {
    const metrics = new NetgapMetrics({ version: '1', stations: 0, engine: () => undefined });
    const lost = { icmp: 35, udp: 0, tcp_syn: 0 };
    const blackout = (duration_s: number, cause: 'interface-quarantine' | 'unknown'): Alert => ({
      ts: T0,
      severity: 'critical',
      kind: 'inbound-blackout',
      ip: '198.51.100.10',
      start_ts: T0 - duration_s,
      lost,
      syn_retransmissions: 0,
      duration_s,
      tcp_through_on_retry: 0,
      cause,
    });
    metrics.alert(blackout(7.1, 'interface-quarantine'));
    metrics.alert(blackout(40, 'unknown'));
    metrics.alert({ ts: T0, severity: 'info', kind: 'network-change', mac: '00:15:5d:0a:00:01', marker: 'rarp' });
    const text = await metrics.scrape();
    expect(value(text, 'netgap_blackouts_total{cause="interface-quarantine"}')).toBe(1);
    expect(value(text, 'netgap_blackouts_total{cause="unknown"}')).toBe(1);
    expect(value(text, 'netgap_blackout_duration_seconds_bucket{le="7"}')).toBe(0);
    expect(value(text, 'netgap_blackout_duration_seconds_bucket{le="8.5"}')).toBe(1);
    expect(value(text, 'netgap_blackout_duration_seconds_bucket{le="+Inf"}')).toBe(2);
    expect(value(text, 'netgap_blackout_duration_seconds_sum')).toBeCloseTo(47.1, 9);
    expect(value(text, 'netgap_network_changes_total')).toBe(1);
    expect(value(text, 'netgap_alerts_total{kind="inbound-blackout",severity="critical"}')).toBe(2);
    // Before the engine exists, the engine's series read 0.
    expect(value(text, 'netgap_packets_total')).toBe(0);
  });

  it('gives per-station series only when asked, for at most N stations past the warning age, and drops a station that ARPs again', async () => {
    expect(await scenario(0).metrics.scrape()).not.toContain('netgap_station_arp_age_seconds');
    const { metrics, feed } = scenario(5);
    let text = await metrics.scrape();
    expect(value(text, 'netgap_station_arp_age_seconds{mac="00:15:5d:0a:00:01",ip="198.51.100.11"}')).toBe(310);
    expect(text.match(/^netgap_station_arp_age_seconds\{/gm)).toHaveLength(1);
    feed(arp(GUEST, GUEST_IP), T0 + 320);
    text = await metrics.scrape();
    expect(text.match(/^netgap_station_arp_age_seconds\{/gm)).toBeNull();

    // Bounded: 40 stations past the warning age, 3 asked for; the 3 oldest are given.
    const { engine: e } = engine();
    const m = new NetgapMetrics({ version: '1', stations: 3, engine: () => e });
    for (let i = 0; i < 40; i++) e.handleDecoded(arp(GUEST + i, ip('198.51.100.11') + i), T0 + i);
    for (let i = 0; i < 40; i++) e.handleDecoded(udp(GUEST + i), T0 + 280 + i * 0.1);
    text = await m.scrape();
    const rows = text.match(/^netgap_station_arp_age_seconds\{mac="([^"]+)"/gm)!;
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('00:15:5d:0a:00:01');
  });

  it.skipIf(promtool === '')('passes `promtool check metrics` (live, with per-station series, and before any frame)', async () => {
    for (const metrics of [scenario(5).metrics, new NetgapMetrics({ version: '0.1.0', stations: 0, engine: () => undefined })]) {
      const r = promtoolCheck(await metrics.scrape());
      expect(r.out).toBe('');
      expect(r.status).toBe(0);
      expect(promtoolCheck(await metrics.textfile()).status).toBe(0);
    }
  });
});

describe('parseListenAddress', () => {
  it('takes [HOST:]PORT, loopback by default, IPv6 in brackets', () => {
    expect(parseListenAddress('9473')).toEqual({ host: '127.0.0.1', port: 9473 });
    expect(parseListenAddress('0.0.0.0:9473')).toEqual({ host: '0.0.0.0', port: 9473 });
    expect(parseListenAddress('[::1]:9473')).toEqual({ host: '::1', port: 9473 });
    expect(parseListenAddress('sensor.example:80')).toEqual({ host: 'sensor.example', port: 80 });
    for (const bad of ['', 'x', '0', '65536', '::1:9473', 'a:b', '1.2.3.4:', ':9473', '9473 9474']) expect(parseListenAddress(bad)).toBeNull();
  });
});

describe('serveMetrics', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it.skipIf(promtool === '')('serves GET /metrics that promtool accepts, and 404 elsewhere', async () => {
    const { metrics } = scenario(2);
    const server = await serveMetrics(metrics, { host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`http://127.0.0.1:${server.address.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const body = await res.text();
      expect(value(body, 'netgap_packets_total')).toBe(33);
      const r = promtoolCheck(body);
      expect(r.out).toBe('');
      expect(r.status).toBe(0);
      expect((await fetch(`http://127.0.0.1:${server.address.port}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('refuses a port in use with one line naming the address', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const metrics = new NetgapMetrics({ version: '1', stations: 0, engine: () => undefined });
      const err = await serveMetrics(metrics, { host: '127.0.0.1', port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MetricsListenError);
      expect((err as Error).message).toBe(`--metrics 127.0.0.1:${port}: address already in use`);
    } finally {
      taken.close();
    }
  });

  it('writes the textfile atomically (no temp file left), without the process metrics, and fails on a missing directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netgap-metrics-'));
    dirs.push(dir);
    const { metrics } = scenario();
    const w = new TextfileWriter(join(dir, 'netgap.prom'), metrics);
    await w.write();
    await w.stop();
    expect(readdirSync(dir)).toEqual(['netgap.prom']);
    const text = readFileSync(join(dir, 'netgap.prom'), 'utf8');
    expect(value(text, 'netgap_packets_total')).toBe(33);
    expect(text).not.toContain('process_cpu');
    await expect(new TextfileWriter(join(dir, 'gone', 'netgap.prom'), metrics).write()).rejects.toThrow(/ENOENT/);
  });
});
