// Detector state across a restart: the engine's state, through JSON, carries the ARP-gap alerts on exactly as one run would, cut anywhere.

import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/detect/alerts';
import type { EngineState } from '../../src/detect/state';
import { checkEngineState, STATE_VERSION } from '../../src/detect/state';
import type { DecodedFrame } from '../../src/decode/decoded-frame';
import type { EngineOptions } from '../../src/detect/engine';
import { EVENT_QUIET_S } from '../../src/detect/station-events';
import { arp, engine, GUEST, GUEST_IP, ip, OTHER, ROUTER, SERVER_IP, syn, udp } from './facts';

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

/**
 * Evidence the diagnosis reads across gaps and the address table: SYNs to several servers and
 * ports through a gateway (and one through another hop), a measured cadence, then an address
 * that changes MAC, flips back and flaps under the rate limit, a mac-mismatch, a new station.
 */
function evidence(): [DecodedFrame, number][] {
  const f: [DecodedFrame, number][] = [];
  f.push([arp(GUEST, GUEST_IP), T0]);
  for (let gap = 0; gap < 3; gap++) {
    const a = T0 + gap * 650;
    for (let t = 5; t < 640; t += 40) f.push([udp(GUEST), a + t]);
    f.push([arp(GUEST, GUEST_IP), a + 650]);
  }
  f.push([arp(OTHER, ip('198.51.100.12')), T0 + 2000]);
  for (let k = 0; k < 20; k++) {
    const server = ip(`203.0.113.${10 + (k % 3)}`);
    const s = syn(OTHER, server, 50000 + k, { dst: ROUTER });
    s.dstPort = k % 2 === 0 ? 443 : 8443;
    f.push([s, T0 + 2010 + k * 20]);
    if (k % 5 === 0) f.push([syn(OTHER, SERVER_IP, 60000 + k, { dst: GUEST }), T0 + 2011 + k * 20]);
  }
  f.push([arp(OTHER, GUEST_IP), T0 + 2500]);
  for (let k = 1; k < 12; k++) f.push([arp(k % 2 === 0 ? OTHER : GUEST, GUEST_IP), T0 + 2500 + k]);
  f.push([arp(GUEST, GUEST_IP, { linkSrc: ROUTER }), T0 + 2520]);
  f.push([arp(GUEST, GUEST_IP, { linkSrc: ROUTER }), T0 + 2530]);
  f.push([arp(ROUTER, ip('198.51.100.1')), T0 + 2600]);
  f.push([arp(OTHER, GUEST_IP), T0 + 2501 + EVENT_QUIET_S]);
  f.push([udp(GUEST), T0 + 2600 + 700]);
  return f;
}

function run(frames: [DecodedFrame, number][], state?: EngineState, options: Partial<EngineOptions> = {}): { alerts: Alert[]; state: EngineState } {
  const { engine: e, alerts } = engine(options);
  if (state !== undefined) e.restore(state);
  for (const [d, t] of frames) e.handleDecoded(d, t);
  return { alerts, state: e.toState() };
}

const through = (s: EngineState): EngineState => JSON.parse(JSON.stringify(s)) as EngineState;

describe('engine state', () => {
  const frames = traffic();
  const whole = run(frames).alerts;

  it('the scenario raises every ARP-gap kind, every cause and a capture hole', () => {
    const kinds = new Set(whole.map((a) => a.kind));
    expect([...kinds].sort()).toEqual(['arp-gap-expired', 'arp-gap-recovered', 'arp-gap-warning']);
    const causes = new Set(whole.map((a) => (a as { cause?: string }).cause));
    // 'unknown': a gap before any measured cadence (the guest's first, the third station's) has no evidence of a cause.
    expect(causes).toEqual(new Set(['long-arp-cache', 'tcp-syn-refresh', 'unknown']));
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

  it('carries the diagnosis evidence and the address table: cut at every frame, the alerts of one run', () => {
    const f = evidence();
    const o = { newStationsAfterS: 1000 };
    const one = run(f, undefined, o);
    const kinds = new Set(one.alerts.map((a) => a.kind));
    for (const k of ['changed-mac', 'flip-flop', 'mac-mismatch', 'new-station', 'arp-gap-expired']) expect(kinds.has(k as Alert['kind']), k).toBe(true);
    const causes = new Set(one.alerts.map((a) => (a as { cause?: string }).cause));
    expect(causes.has('long-arp-cache') && causes.has('tcp-syn-refresh')).toBe(true);
    const synAlert = one.alerts.find((a) => (a as { cause?: string }).cause === 'tcp-syn-refresh') as unknown as Record<string, unknown>;
    expect(synAlert).toMatchObject({ syn_next_hop: '00:00:5e:00:01:01' });
    expect((synAlert.syn_peers as string[]).some((p) => p.endsWith(':8443'))).toBe(true);
    for (let k = 0; k <= f.length; k++) {
      const a = run(f.slice(0, k), undefined, o);
      const b = run(f.slice(k), through(a.state), o);
      expect([...a.alerts, ...b.alerts], `cut at ${k}`).toEqual(one.alerts);
      expect(b.state, `cut at ${k}`).toEqual(one.state);
    }
  });

  it('keeps the address table bounded by its cap on restore (the most recently used kept)', () => {
    const { engine: e } = engine();
    for (let i = 0; i < 50; i++) e.handleDecoded(arp(GUEST + i, ip(`198.51.100.${i + 1}`)), T0 + i);
    const s = through(e.toState());
    expect(s.events.addresses).toHaveLength(50);
    const small = engine({ maxHosts: 10 });
    small.engine.restore(s);
    expect(small.engine.toState().events.addresses.map((a) => a.ip)).toEqual(s.events.addresses.slice(-10).map((a) => a.ip));
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
    // An earlier layout lacks the evidence the diagnosis reads: set aside, not half-restored.
    expect(checkEngineState({ ...good, version: STATE_VERSION - 1 })).toMatch(/^written by an earlier netgap/);
    expect(checkEngineState({ ...good, events: { startS: null, addresses: [{ ip: 1 }], mismatch: [] } })).toBe('damaged (addresses)');
    expect(checkEngineState({ ...good, clock: { ...good.clock, now: 'x' } })).toBe('damaged (clock)');
    const bad = through(good);
    (bad.stations[1] as unknown as Record<string, unknown>).arpGap = [{ vlan: 20 }];
    expect(checkEngineState(bad)).toBe('damaged (station 1)');
    // Version 2's optional fields: absent (a file written before them) is fine, damaged is named.
    const { announcers: _, ...older } = good;
    expect(checkEngineState(older)).toBeNull();
    expect(checkEngineState({ ...good, clock: { ...good.clock, unwatched: [T0] } })).toBe('damaged (clock)');
    expect(checkEngineState({ ...good, announcers: [{ mac: 1, lastS: T0, burstFirstS: T0, burstKind: 9 }] })).toBe('damaged (announcers)');
    const since = through(good);
    (since.stations[0]!.arpGap[0] as unknown as Record<string, unknown>).sinceS = 'x';
    expect(checkEngineState(since)).toBe('damaged (station 0)');
  });

  it('after a live restart, an alert whose gap spans it says how long netgap was away (unwatched_s); one that does not, does not', () => {
    const a = run([
      [arp(GUEST, GUEST_IP), T0],
      [udp(GUEST), T0 + 100],
    ]);
    const { engine: e, alerts } = engine();
    e.restore(through(a.state));
    e.clock.markRestart();
    e.handleDecoded(udp(GUEST), T0 + 160); // away 60 s: it may have ARPed then, so its warning counts from T0 + 160
    e.handleDecoded(udp(GUEST), T0 + 250);
    e.handleDecoded(arp(OTHER, ip('198.51.100.12')), T0 + 251);
    e.handleDecoded(udp(OTHER), T0 + 600);
    expect(alerts.map((x) => [x.kind, x.mac, x.ts - T0, (x as { unwatched_s?: number }).unwatched_s])).toEqual([
      ['arp-gap-warning', '00:15:5d:0a:00:01', 400, 60],
      ['arp-gap-expired', '00:15:5d:0a:00:02', 600, undefined],
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
