// A live restart from a state file: no ARP-gap warning or expiry rests on time netgap was not running; announcers carry on; blackouts start afresh.

import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/detect/alerts';
import type { EngineState } from '../../src/detect/state';
import { checkEngineState } from '../../src/detect/state';
import type { DecodedFrame } from '../../src/decode/decoded-frame';
import { arp, engine, GUEST, GUEST_IP, ip, OTHER, ROUTER, udp } from './facts';

const T0 = 1_700_000_000;
const GATEWAY_IP = ip('198.51.100.1'); // facts' ARP target: an ARP claiming it is a gratuitous ARP

type Step = [DecodedFrame, number] | number;

/** Frames (and live ticks: a bare number) into a fresh engine; its state through JSON, as the file holds it. */
function firstRun(steps: Step[]): { alerts: Alert[]; state: EngineState } {
  const { engine: e, alerts } = engine();
  feed(e, steps);
  return { alerts, state: JSON.parse(JSON.stringify(e.toState())) as EngineState };
}

function feed(e: ReturnType<typeof engine>['engine'], steps: Step[]): void {
  for (const s of steps) {
    if (typeof s === 'number') e.tick(s);
    else e.handleDecoded(s[0], s[1]);
  }
}

/** A live restart: the state restored, the restart marked, then the first tick at `restartS` and the steps. */
function restarted(state: EngineState, restartS: number, steps: Step[]) {
  const { engine: e, alerts } = engine();
  e.restore(state);
  e.clock.markRestart();
  e.tick(restartS);
  feed(e, steps);
  return { e, alerts };
}

/** `n` frames of `mac`, every `every` s from `from`. */
function talk(mac: number, from: number, to: number, every = 10): Step[] {
  const out: Step[] = [];
  for (let t = from; t <= to; t += every) out.push([udp(mac), t]);
  return out;
}

const brief = (alerts: Alert[]) =>
  alerts.map((a) => {
    const g = a as Alert & { gap_s?: number; last_arp_ts?: number; unwatched_s?: number; expired?: boolean };
    return {
      kind: a.kind,
      ts: a.ts - T0,
      gap: g.gap_s,
      last: g.last_arp_ts === undefined ? undefined : g.last_arp_ts - T0,
      unwatched: g.unwatched_s,
      expired: g.expired,
    };
  });

describe('ARP-gap deadlines after a live restart', () => {
  it('a deadline inside the unwatched span raises nothing then; warning and expiry come after the restart, counted from it, with unwatched_s', () => {
    // Last ARP at T0, talking; netgap stops at +200 and comes back at +400: both deadlines (+240, +300) fell while it was away.
    const a = firstRun([[arp(GUEST, GUEST_IP), T0], ...talk(GUEST, T0 + 10, T0 + 200)]);
    expect(a.alerts).toEqual([]);
    const { e, alerts } = restarted(a.state, T0 + 400, talk(GUEST, T0 + 401, T0 + 601, 50));
    // The station may have ARPed at any time up to +400: it is 'ok', its age counted from the restart.
    expect(alerts).toEqual([]);
    const v = e.arpGap.view(e.stations.get(GUEST)!, T0 + 601);
    expect(v).toMatchObject({ status: 'ok', arp_age_s: 201 });
    feed(e, talk(GUEST, T0 + 651, T0 + 751, 50));
    expect(brief(alerts)).toEqual([
      { kind: 'arp-gap-warning', ts: 640, gap: 640, last: 0, unwatched: 200, expired: undefined },
      { kind: 'arp-gap-expired', ts: 701, gap: 701, last: 0, unwatched: 200, expired: undefined },
    ]);
    // The summary row says the same as the dashboard and the metrics: at most the watched age.
    const row = [...e.stationRows()][0]!;
    expect(row).toMatchObject({ status: 'expired', arp_age_s: 351, last_arp_ts: T0, max_talk_age_s: 351 });
  });

  it('the warning deadline likewise: inside the span, nothing; then warn and threshold from the restart', () => {
    const a = firstRun([[arp(GUEST, GUEST_IP), T0], ...talk(GUEST, T0 + 10, T0 + 200)]);
    // Back at +250: the old warning deadline (+240) fell while away, the old expiry (+300) would come at +301.
    const { alerts } = restarted(a.state, T0 + 250, talk(GUEST, T0 + 251, T0 + 561, 10));
    expect(brief(alerts)).toEqual([
      { kind: 'arp-gap-warning', ts: 490, gap: 490, last: 0, unwatched: 50, expired: undefined },
      { kind: 'arp-gap-expired', ts: 551, gap: 551, last: 0, unwatched: 50, expired: undefined },
    ]);
  });

  it('frames sent only before the stop are not talking since its last ARP: silent after the restart, no warning', () => {
    const a = firstRun([[arp(GUEST, GUEST_IP), T0], ...talk(GUEST, T0 + 10, T0 + 200)]);
    const ticks: Step[] = [];
    for (let t = 210; t <= 1200; t += 10) ticks.push(T0 + t);
    const { e, alerts } = restarted(a.state, T0 + 210, ticks);
    expect(alerts).toEqual([]);
    expect(e.arpGap.view(e.stations.get(GUEST)!, T0 + 1200).status).toBe('silent');
  });

  it('an ARP right after the restart recovers a warning raised before the stop: the gap since the ARP seen, unwatched_s, no expiry', () => {
    const a = firstRun([[arp(GUEST, GUEST_IP), T0], ...talk(GUEST, T0 + 10, T0 + 260)]);
    expect(brief(a.alerts)).toEqual([{ kind: 'arp-gap-warning', ts: 240, gap: 240, last: 0, unwatched: undefined, expired: undefined }]);
    // Without the restart rule the frame at +401 (past +300) would be an expiry.
    const { alerts } = restarted(a.state, T0 + 400, [[udp(GUEST), T0 + 401], [arp(GUEST, GUEST_IP), T0 + 402], ...talk(GUEST, T0 + 410, T0 + 640)]);
    expect(brief(alerts)).toEqual([{ kind: 'arp-gap-recovered', ts: 402, gap: 402, last: 0, unwatched: 140, expired: false }]);
    expect((alerts[0] as { past_threshold_s?: number }).past_threshold_s).toBe(102);
  });

  it('an expiry raised before the stop stands: no second one after the restart, and its recovery says expired', () => {
    const a = firstRun([[arp(GUEST, GUEST_IP), T0], ...talk(GUEST, T0 + 10, T0 + 320)]);
    expect(a.alerts.map((x) => [x.kind, x.ts - T0])).toEqual([
      ['arp-gap-warning', 240],
      ['arp-gap-expired', 310],
    ]);
    const { e, alerts } = restarted(a.state, T0 + 400, talk(GUEST, T0 + 401, T0 + 1000));
    expect(alerts).toEqual([]);
    expect(e.arpGap.view(e.stations.get(GUEST)!, T0 + 1000)).toMatchObject({ status: 'expired', expiries: 1, warnings: 1 });
    feed(e, [[arp(GUEST, GUEST_IP), T0 + 1001]]);
    expect(brief(alerts)).toEqual([{ kind: 'arp-gap-recovered', ts: 1001, gap: 1001, last: 0, unwatched: 80, expired: true }]);
  });

  it('a restart of no time (state saved at the stop, the first frame at the same instant) changes nothing: the alerts of one run', () => {
    // Saved at the stop (its last tick, +200); the first frame after the restart is stamped +200 too.
    const steps: Step[] = [[arp(GUEST, GUEST_IP), T0], ...talk(GUEST, T0 + 10, T0 + 190), T0 + 200, ...talk(GUEST, T0 + 200, T0 + 400)];
    const whole = firstRun(steps).alerts;
    expect(whole.map((x) => x.kind)).toEqual(['arp-gap-warning', 'arp-gap-expired']);
    const cut = steps.indexOf(T0 + 200) + 1;
    const a = firstRun(steps.slice(0, cut));
    const { engine: e, alerts } = engine();
    e.restore(a.state);
    e.clock.markRestart();
    feed(e, steps.slice(cut));
    expect(alerts).toEqual(whole);
    expect(alerts.some((x) => 'unwatched_s' in x)).toBe(false);
    expect(e.toState().clock.unwatched).toBeUndefined();
  });

  it('a gap across two restarts gives the time away of both, and its deadlines count from the later one', () => {
    const a = firstRun([[arp(GUEST, GUEST_IP), T0], ...talk(GUEST, T0 + 10, T0 + 100)]);
    const b = restarted(a.state, T0 + 130, talk(GUEST, T0 + 130, T0 + 200));
    const s2 = JSON.parse(JSON.stringify(b.e.toState())) as EngineState;
    expect(s2.clock.unwatched).toEqual([T0 + 100, 30]);
    expect(s2.stations[0]!.arpGap[0]).toMatchObject({ sinceS: T0 + 130 });
    expect(checkEngineState(s2)).toBeNull();
    const { alerts } = restarted(s2, T0 + 250, talk(GUEST, T0 + 250, T0 + 560));
    expect(brief(alerts)).toEqual([
      { kind: 'arp-gap-warning', ts: 490, gap: 490, last: 0, unwatched: 80, expired: undefined },
      { kind: 'arp-gap-expired', ts: 560, gap: 560, last: 0, unwatched: 80, expired: undefined },
    ]);
  });

  it('time away is not a capture hole: after an hour away, unwatched_s and no capture_hole_s', () => {
    const a = firstRun([[arp(GUEST, GUEST_IP), T0], ...talk(GUEST, T0 + 10, T0 + 100)]);
    const back = T0 + 3700;
    const { alerts } = restarted(a.state, back, [[udp(GUEST), back + 400], ...talk(GUEST, back + 401, back + 401)]);
    expect(brief(alerts)).toEqual([
      // A watched silence of 400 s after the restart is a hole (the deadline was reached at its frame).
      { kind: 'arp-gap-expired', ts: 4100, gap: 4100, last: 0, unwatched: 3600, expired: undefined },
    ]);
    expect(alerts[0]).toMatchObject({ capture_hole_s: 400 });
    const quick = restarted(a.state, back, talk(GUEST, back + 1, back + 301, 10)).alerts;
    expect(quick.map((x) => [x.kind, 'capture_hole_s' in x, (x as { unwatched_s?: number }).unwatched_s])).toEqual([
      ['arp-gap-warning', false, 3600],
      ['arp-gap-expired', false, 3600],
    ]);
  });

  it('an ARP interval across a restart is neither cadence nor max_arp_gap_s', () => {
    const a = firstRun([[arp(GUEST, GUEST_IP), T0], ...talk(GUEST, T0 + 10, T0 + 100)]);
    const { e } = restarted(a.state, T0 + 5000, [
      [arp(GUEST, GUEST_IP), T0 + 5001],
      [arp(GUEST, GUEST_IP), T0 + 5061],
    ]);
    const row = [...e.stationRows()][0]!;
    expect(row.max_arp_gap_s).toBe(60);
    expect(e.stations.get(GUEST)!.recentArpIntervals()).toEqual([60]);
  });

  it('a file read in parts has no restart: a live-written state read by `read` keeps the restart it saw', () => {
    const a = firstRun([[arp(GUEST, GUEST_IP), T0], ...talk(GUEST, T0 + 10, T0 + 100)]);
    const b = restarted(a.state, T0 + 200, talk(GUEST, T0 + 200, T0 + 210));
    const s = JSON.parse(JSON.stringify(b.e.toState())) as EngineState;
    const { engine: e, alerts } = engine();
    e.restore(s); // no markRestart: `read`
    feed(e, talk(GUEST, T0 + 220, T0 + 510));
    expect(brief(alerts)).toEqual([
      { kind: 'arp-gap-warning', ts: 440, gap: 440, last: 0, unwatched: 100, expired: undefined },
      { kind: 'arp-gap-expired', ts: 510, gap: 510, last: 0, unwatched: 100, expired: undefined },
    ]);
  });
});

describe('network-change markers across a live restart', () => {
  /** A gateway that refreshes its neighbours by gratuitous ARP every 60 s (one change, raised never: it was there from the start). */
  const refreshes = (from: number, to: number): Step[] => {
    const out: Step[] = [];
    for (let t = from; t <= to; t += 60) out.push([arp(ROUTER, GATEWAY_IP), t]);
    return out;
  };

  it('carries the announcers of known stations, so a routine refresh after a restart is no change', () => {
    const a = firstRun(refreshes(T0, T0 + 180));
    expect(a.alerts).toEqual([]);
    expect(a.state.announcers).toEqual([{ mac: ROUTER, lastS: T0 + 180, burstFirstS: T0 + 180, burstKind: 0 }]);
    // Away 10 s, or an hour: the quiet counts from the restart, and the refresh comes within 60 s of it.
    for (const back of [T0 + 190, T0 + 3600]) {
      const { alerts } = restarted(a.state, back, refreshes(back + 50, back + 300));
      expect(alerts, `back at +${back - T0}`).toEqual([]);
    }
    // Not carried (a state file from before them): the first refresh after the restart looked like a change.
    const { announcers: _, ...old } = a.state;
    const { alerts } = restarted(old as EngineState, T0 + 3600, refreshes(T0 + 3650, T0 + 3650));
    expect(alerts.map((x) => x.kind)).toEqual(['network-change']);
  });

  it('a MAC quiet for --announce-quiet of watched time after the restart raises its change', () => {
    const a = firstRun(refreshes(T0, T0 + 180));
    const { alerts } = restarted(a.state, T0 + 3600, [[arp(ROUTER, GATEWAY_IP), T0 + 3600 + 130]]);
    expect(alerts.map((x) => [x.kind, x.ts - T0])).toEqual([['network-change', 3730]]);
  });

  it('keeps only the announcers of stations in the table: the state stays bounded by the station cap', () => {
    const { engine: e } = engine({ maxStations: 3 });
    for (let i = 0; i < 10; i++) e.handleDecoded(arp(GUEST + i, GATEWAY_IP), T0 + i);
    const s = e.toState();
    expect(s.stations.map((st) => st.mac)).toEqual([GUEST + 7, GUEST + 8, GUEST + 9]);
    expect(s.announcers!.map((x) => x.mac)).toEqual([GUEST + 7, GUEST + 8, GUEST + 9]);
  });
});

describe('blackouts across a restart', () => {
  it('are not carried: no host, no run, no request waiting for an answer is in the state (their send times were not all seen)', () => {
    const a = firstRun([
      [arp(GUEST, GUEST_IP), T0],
      [arp(OTHER, ip('198.51.100.12')), T0 + 1],
    ]);
    expect(Object.keys(a.state).sort()).toEqual(['announcers', 'arpThresholdS', 'clock', 'events', 'format', 'stations', 'version']);
    const { e } = restarted(a.state, T0 + 100, []);
    expect(e.blackout.size).toBe(0);
  });
});
