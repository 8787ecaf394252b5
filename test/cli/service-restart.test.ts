// A live restart through the service's --state file (no capture, no root): the engine fed by hand, the file written at close and read at the next start; and the sensor's `host` on live records.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sensorHost, Service } from '../../src/cli/service';
import type { Alert } from '../../src/detect/alerts';
import type { EngineState } from '../../src/detect/state';
import { AlertRenderer } from '../../src/output/alert-renderer';
import { summaryPieces } from '../../src/output/ndjson';
import { arp, FactEngine, GUEST, GUEST_IP, udp } from '../detect/facts';

const T0 = 1_700_000_000;

/** One run of `netgap live --state FILE`, its capture replaced by `feed`: the service opens, restores, and writes the file at close. */
async function liveRun(path: string, feed: (e: FactEngine) => void): Promise<{ alerts: Alert[]; warnings: string[]; host: string | undefined }> {
  const alerts: Alert[] = [];
  const warnings: string[] = [];
  let engine: FactEngine | undefined;
  const service = await Service.open({ state: path }, { engine: () => engine }, (w) => warnings.push(w), true);
  engine = new FactEngine({}, (a) => alerts.push(a));
  service.attach(engine, true);
  feed(engine);
  await service.close();
  return { alerts, warnings, host: service.host };
}

describe('netgap live --state across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('raises no expiry that fell while it was down; the expiry counted from the restart says how long it was away', async () => {
    const path = join(dir, 'netgap.state');
    const one = await liveRun(path, (e) => {
      e.handleDecoded(arp(GUEST, GUEST_IP), T0);
      for (let t = 10; t <= 200; t += 10) e.handleDecoded(udp(GUEST), T0 + t);
      e.tick(T0 + 205);
    });
    expect(one.alerts).toEqual([]);
    // Down from +205 to +400: the warning (+240) and the expiry (+300) fell then.
    const two = await liveRun(path, (e) => {
      e.tick(T0 + 400);
      for (let t = 401; t <= 711; t += 10) e.handleDecoded(udp(GUEST), T0 + t);
    });
    expect(two.warnings).toEqual([]);
    expect(two.alerts.map((a) => [a.kind, a.ts - T0, (a as { gap_s?: number }).gap_s, (a as { unwatched_s?: number }).unwatched_s])).toEqual([
      ['arp-gap-warning', 640, 640, 195],
      ['arp-gap-expired', 701, 701, 195],
    ]);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as EngineState;
    expect(saved.clock.unwatched).toEqual([T0 + 205, 195]);
    // A third start carries on: the expiry stands, nothing is raised again.
    const three = await liveRun(path, (e) => {
      e.tick(T0 + 720);
      for (let t = 721; t <= 1500; t += 10) e.handleDecoded(udp(GUEST), T0 + t);
    });
    expect(three.alerts).toEqual([]);
  });
});

describe('the sensor name (`host`)', () => {
  it('live: always this machine’s name unless --sensor; read: only with --sensor or --output', async () => {
    const noop = { engine: () => undefined };
    const live = await Service.open({}, noop, () => {}, true);
    expect(live.host).toBe(sensorHost(undefined, true));
    expect(live.host).toBe(hostname().replace(/[^!-~]/g, '_') || 'localhost');
    await live.close();
    const named = await Service.open({ sensor: 'hv-07' }, noop, () => {}, true);
    expect(named.host).toBe('hv-07');
    await named.close();
    const read = await Service.open({}, noop, () => {});
    expect(read.host).toBeUndefined();
    await read.close();
  });

  it('a system name is printed safely, as --sensor would accept it (printable ASCII, no space, at most 255), never empty', () => {
    expect(sensorHost(undefined, true, () => 'hv\u001b[2J 01')).toBe('hv\\x1b[2J_01');
    expect(sensorHost(undefined, true, () => 'hôte')).toBe('h_te');
    expect(sensorHost(undefined, true, () => '')).toBe('localhost');
    expect(sensorHost(undefined, true, () => 'x'.repeat(300))).toHaveLength(255);
    expect(sensorHost(undefined, false, () => 'hv-01')).toBeUndefined();
    expect(sensorHost('given', false, () => 'hv-01')).toBe('given');
  });

  it('a live NDJSON alert and summary carry it, last', async () => {
    const service = await Service.open({}, { engine: () => undefined }, () => {}, true);
    await service.close();
    const host = service.host!;
    const renderer = new AlertRenderer('ndjson', host);
    const alert: Alert = { ts: T0, severity: 'warning', kind: 'table-full', table: 'stations', limit: 10 };
    const record = JSON.parse(renderer.line(alert)) as Record<string, unknown>;
    expect(record.host).toBe(host);
    expect(Object.keys(record).at(-1)).toBe('host');
    const e = new FactEngine({}, () => {});
    const { stations, ...head } = e.finish();
    const summary = JSON.parse([...summaryPieces(head, stations, { capture: null, host })].join('')) as Record<string, unknown>;
    expect(summary.host).toBe(host);
  });
});
