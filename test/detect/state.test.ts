// Detector state across a restart: the engine's state, through JSON, carries the ARP-gap alerts on exactly as one run would, cut anywhere.

import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/detect/alerts';
import type { EngineState } from '../../src/detect/state';
import { checkEngineState, STATE_VERSION } from '../../src/detect/state';
import type { DecodedFrame } from '../../src/decode/decoded-frame';
import { arp, engine, GUEST, GUEST_IP, ip, OTHER, SERVER_IP, syn, udp } from './facts';

const T0 = 1_700_000_000;

/** A day in the life of three stations: XP-style silence, SYN refreshes, a VLAN, a capture hole, recoveries. */
function traffic(): [DecodedFrame, number][] {
  const f: [DecodedFrame, number][] = [];
  const third = GUEST + 7;
  f.push([arp(GUEST, GUEST_IP), T0]);
  f.push([arp(OTHER, ip('198.51.100.12'), { vlan: 20 }), T0 + 1]);
  f.push([arp(third, ip('198.51.100.13')), T0 + 2]);
  for (let t = 10; t < 700; t += 25) {
    f.push([udp(GUEST), T0 + t]);
    f.push([syn(OTHER, SERVER_IP, 40000 + t, { vlan: 20 }), T0 + t + 0.5]);
    if (t % 100 === 10) f.push([syn(OTHER, SERVER_IP, 40000 + t, { vlan: 20 }), T0 + t + 1.5]); // a retransmission
  }
  f.push([arp(GUEST, GUEST_IP), T0 + 710]);
  f.push([arp(OTHER, ip('198.51.100.12'), { vlan: 20 }), T0 + 711]);
  // A capture hole longer than the threshold, then the third station talks.
  f.push([udp(third), T0 + 1200]);
  f.push([udp(GUEST), T0 + 1201]);
  f.push([udp(GUEST), T0 + 1000 + 710 + 245]);
  return f;
}

function run(frames: [DecodedFrame, number][], state?: EngineState): { alerts: Alert[]; state: EngineState } {
  const { engine: e, alerts } = engine();
  if (state !== undefined) e.restore(state);
  for (const [d, t] of frames) e.handleDecoded(d, t);
  return { alerts, state: e.toState() };
}

const through = (s: EngineState): EngineState => JSON.parse(JSON.stringify(s)) as EngineState;

describe('engine state', () => {
  const frames = traffic();
  const whole = run(frames).alerts;

  it('the scenario raises every ARP-gap kind, both causes and a capture hole', () => {
    const kinds = new Set(whole.map((a) => a.kind));
    expect([...kinds].sort()).toEqual(['arp-gap-expired', 'arp-gap-recovered', 'arp-gap-warning']);
    const causes = new Set(whole.map((a) => (a as { cause?: string }).cause));
    expect(causes).toEqual(new Set(['long-arp-cache', 'tcp-syn-refresh']));
    expect(whole.some((a) => (a as { capture_hole_s?: number }).capture_hole_s !== undefined)).toBe(true);
  });

  it('cut at every frame, the two runs give the alerts of one, and the same final state', () => {
    const end = run(frames).state;
    for (let k = 0; k <= frames.length; k++) {
      const a = run(frames.slice(0, k));
      const b = run(frames.slice(k), through(a.state));
      expect([...a.alerts, ...b.alerts], `cut at ${k}`).toEqual(whole);
      expect(b.state, `cut at ${k}`).toEqual(end);
    }
  });

  it('cut twice, state restored twice', () => {
    const a = run(frames.slice(0, 20));
    const b = run(frames.slice(20, 50), through(a.state));
    const c = run(frames.slice(50), through(b.state));
    expect([...a.alerts, ...b.alerts, ...c.alerts]).toEqual(whole);
  });

  it('is checked before it is restored: foreign, later-version and damaged data are named', () => {
    const good = through(run(frames.slice(0, 30)).state);
    expect(checkEngineState(good)).toBeNull();
    expect(checkEngineState([1, 2])).toBe('not a netgap state file');
    expect(checkEngineState({ format: 'arpwatch' })).toBe('not a netgap state file');
    expect(checkEngineState({ ...good, version: STATE_VERSION + 1 })).toMatch(/^written by a later netgap/);
    expect(checkEngineState({ ...good, clock: { ...good.clock, now: 'x' } })).toBe('damaged (clock)');
    const bad = through(good);
    (bad.stations[1] as unknown as Record<string, unknown>).arpGap = [{ vlan: 20 }];
    expect(checkEngineState(bad)).toBe('damaged (station 1)');
  });

  it('after a live restart, an alert whose gap spans it says how long netgap was away (unwatched_s); one that does not, does not', () => {
    const a = run([
      [arp(GUEST, GUEST_IP), T0],
      [udp(GUEST), T0 + 100],
    ]);
    const { engine: e, alerts } = engine();
    e.restore(through(a.state));
    e.clock.markRestart();
    e.handleDecoded(udp(GUEST), T0 + 160); // away 60 s; the warning timer (T0 + 240) has not fallen yet
    e.handleDecoded(udp(GUEST), T0 + 250);
    e.handleDecoded(arp(OTHER, ip('198.51.100.12')), T0 + 251);
    e.handleDecoded(udp(OTHER), T0 + 600);
    expect(alerts.map((x) => [x.kind, x.mac, (x as { unwatched_s?: number }).unwatched_s])).toEqual([
      ['arp-gap-warning', '00:15:5d:0a:00:01', 60],
      ['arp-gap-expired', '00:15:5d:0a:00:02', undefined],
    ]);
  });

  it('is bounded by the station cap, whatever the input: a flood of 20,000 MACs leaves 500 stations in the state', () => {
    const { engine: e } = engine({ maxStations: 500 });
    for (let i = 0; i < 20_000; i++) e.handleDecoded(arp(GUEST + i, ip('198.51.100.1')), T0 + i * 0.01);
    const s = e.toState();
    expect(s.stations).toHaveLength(500);
    expect(JSON.stringify(s).length).toBeLessThan(500 * 1024);
  });

  it('a smaller station cap keeps the most recent stations', () => {
    const s = through(run(frames.slice(0, 5)).state);
    const { engine: e } = engine({ maxStations: 2 });
    expect(e.restore(s)).toBe(2);
    expect([...e.stations.byMac.values()].map((st) => st.mac).sort()).toEqual([OTHER, GUEST + 7].sort());
  });
});
