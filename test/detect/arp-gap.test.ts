// ARP-gap detector against KB2832644's cases: XP 600 s, Vista 15-45 s, SYN-kept entries, silence, boundaries, holes, ticks.

import { describe, expect, it } from 'vitest';
import { L4 } from '../../src/decode/decoded-frame';
import type { Alert } from '../../src/detect/alerts';
import { ARP_GAP_MAX_VLANS } from '../../src/detect/arp-gap';
import { arpGratuitous, network } from './traffic';
import { arp, engine, GUEST, GUEST_IP, GUEST_TEXT, ip, kinds, OTHER, ROUTER, SERVER_IP, syn, udp } from './facts';

const T0 = 1_700_000_000;
/** Fields every ARP-gap alert for the untagged guest carries. */
const GUEST_FIELDS = { mac: GUEST_TEXT, ip: '198.51.100.11', threshold_s: 300 } as const;

/** Frames from `mac` every `step` seconds in [from, to]. */
function talk(e: ReturnType<typeof engine>['engine'], mac: number, from: number, to: number, step: number, vlan = -1): void {
  for (let t = from; t <= to; t += step) e.handleDecoded(udp(mac, { vlan }), t);
}

describe('ARP-gap detector', () => {
  it('follows a Windows XP guest (ARP every 600 s while talking): unknown until a whole gap is measured, then long-arp-cache (Windows XP/2003)', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, GUEST, T0 + 10, T0 + 590, 10);
    e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 600);
    expect(alerts).toStrictEqual<Alert[]>([
      // From the timer, at exactly +240: frames at +10 .. +230 came before it. No cadence measured yet.
      { ts: T0 + 240, severity: 'warning', kind: 'arp-gap-warning', ...GUEST_FIELDS, gap_s: 240, last_arp_ts: T0, frames_since_arp: 23, cause: 'unknown' },
      // The frame at exactly +300 is not past the threshold; the one at +310 is.
      { ts: T0 + 310, severity: 'critical', kind: 'arp-gap-expired', ...GUEST_FIELDS, gap_s: 310, last_arp_ts: T0, frames_since_arp: 31, cause: 'unknown' },
      {
        ts: T0 + 600,
        severity: 'info',
        kind: 'arp-gap-recovered',
        ...GUEST_FIELDS,
        gap_s: 600,
        last_arp_ts: T0,
        frames_since_arp: 59,
        cause: 'long-arp-cache',
        arp_interval_s: 600,
        arp_intervals_seen: 1,
        os_guess: 'windows-xp-2003',
        past_threshold_s: 300,
        expired: true,
      },
    ]);
    const [row] = e.finish().stations;
    expect(row).toMatchObject({ status: 'ok', warnings: 1, expiries: 1, cause: 'long-arp-cache', arp_age_s: 0, max_talk_age_s: 590, cut_off_at_s: [300] });
    expect(engine({ arpThresholdS: 400, arpWarnS: 240 }).engine.finish().arp_threshold_s).toBe(400);
    // The next gap's alerts know the cadence from the first.
    talk(e, GUEST, T0 + 610, T0 + 910, 10);
    expect(alerts.slice(3)).toMatchObject([
      { kind: 'arp-gap-warning', cause: 'long-arp-cache', os_guess: 'windows-xp-2003', arp_interval_s: 600 },
      { kind: 'arp-gap-expired', cause: 'long-arp-cache', os_guess: 'windows-xp-2003', arp_interval_s: 600 },
    ]);
  });

  it('recognizes a FreeBSD or macOS guest by its 1200 s cadence (net.link.ether.inet.max_age)', () => {
    const { engine: e, alerts } = engine();
    for (let k = 0; k <= 2; k++) {
      e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 1205 * k);
      if (k < 2) talk(e, GUEST, T0 + 1205 * k + 20, T0 + 1205 * k + 1200, 20);
    }
    const last = alerts.filter((a) => a.kind === 'arp-gap-recovered').at(-1);
    expect(last).toMatchObject({ cause: 'long-arp-cache', os_guess: 'freebsd-macos', arp_interval_s: 1205, arp_intervals_seen: 2 });
  });

  it('calls a station that usually ARPs every minute or two and once missed past 300 s unknown, with the evidence and no OS guess', () => {
    const { engine: e, alerts } = engine();
    let t = T0;
    for (const gap of [60, 90, 120, 60, 320]) {
      e.handleDecoded(arp(GUEST, GUEST_IP), t);
      talk(e, GUEST, t + 5, t + gap - 1, 5);
      t += gap;
    }
    e.handleDecoded(arp(GUEST, GUEST_IP), t);
    expect(alerts.map((a) => a.kind)).toEqual(['arp-gap-warning', 'arp-gap-expired', 'arp-gap-recovered']);
    for (const a of alerts) {
      expect(a).toMatchObject({ cause: 'unknown' });
      expect(a).not.toHaveProperty('os_guess');
    }
    expect(alerts[0]).toMatchObject({ arp_interval_s: 75, arp_intervals_seen: 4 });
    expect(alerts[2]).toMatchObject({ arp_interval_s: 90, arp_intervals_seen: 5, gap_s: 320 });
  });

  it('raises nothing for a Windows Vista+ guest that ARPs every 15-45 s', () => {
    const { engine: e, alerts } = engine();
    const arps = [0, 15, 45, 80, 125, 150, 195, 240, 270, 300, 345, 390, 420, 460, 500, 545, 590, 620, 665, 700];
    let next = 0;
    for (let t = 0; t <= 700; t += 5) {
      if (arps[next] === t) {
        e.handleDecoded(arp(GUEST, GUEST_IP), T0 + t);
        next++;
      }
      e.handleDecoded(udp(GUEST), T0 + t + 1);
    }
    expect(alerts).toEqual([]);
    expect(e.finish().stations[0]).toMatchObject({ status: 'ok', warnings: 0, expiries: 0, cause: null, max_arp_gap_s: 45 });
  });

  it('blames repeated TCP SYNs through one next hop (KB2832644, Vista+), ignoring retransmissions, SYN-ACKs and other next hops', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    for (let k = 1; k <= 9; k++) {
      e.handleDecoded(syn(GUEST, SERVER_IP, 50_000 + k, { dst: ROUTER }), T0 + 60 * k);
      // One retransmission of the first attempt: the same connection, not a new refresh.
      if (k === 1) e.handleDecoded(syn(GUEST, SERVER_IP, 50_001, { dst: ROUTER }), T0 + 61);
      e.handleDecoded(syn(GUEST, ip('192.0.2.99'), 40_000 + k, { ack: true, dst: ROUTER }), T0 + 60 * k + 5);
    }
    e.handleDecoded(syn(GUEST, ip('192.0.2.50'), 33_333, { dst: OTHER }), T0 + 200);
    e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 560);
    const syns = {
      cause: 'tcp-syn-refresh',
      syn_peer: '203.0.113.7',
      syn_interval_s: 60,
      syn_next_hop: '00:00:5e:00:01:01',
      syn_peers: ['203.0.113.7:443'],
      base_reachable_time_ms: 36000,
    };
    expect(kinds(alerts)).toEqual([
      ['arp-gap-warning', T0 + 240],
      ['arp-gap-expired', T0 + 305],
      ['arp-gap-recovered', T0 + 560],
    ]);
    for (const a of alerts) expect(a).toMatchObject(syns);
    expect(alerts.map((a) => ('syn_attempts' in a ? a.syn_attempts : 0))).toEqual([3, 5, 9]);
    expect(e.finish().stations[0]!.cause).toBe('tcp-syn-refresh');
  });

  it('measures SYNs to several servers behind one gateway, taken in rotation, on the gateway: the interval is the real one', () => {
    const { engine: e, alerts } = engine();
    const servers = [ip('192.0.2.10'), ip('192.0.2.11'), ip('192.0.2.12')];
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    for (let k = 1; k <= 11; k++) e.handleDecoded(syn(GUEST, servers[k % 3]!, 50_000 + k, { dst: ROUTER }), T0 + 30 * k);
    expect(alerts[1]).toMatchObject({
      kind: 'arp-gap-expired',
      cause: 'tcp-syn-refresh',
      syn_interval_s: 30,
      syn_next_hop: '00:00:5e:00:01:01',
      syn_peers: ['192.0.2.11:443', '192.0.2.12:443', '192.0.2.10:443'],
      syn_attempts: 11,
      base_reachable_time_ms: 18000,
    });
  });

  it('advises no BaseReachableTime when SYNs come too often for one of at least 1 s to help', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    for (let k = 1; k <= 400; k++) e.handleDecoded(syn(GUEST, SERVER_IP, 10_000 + k, { dst: ROUTER }), T0 + 0.8 * k);
    expect(alerts[1]).toMatchObject({ kind: 'arp-gap-expired', cause: 'tcp-syn-refresh' });
    expect(alerts[1]).not.toHaveProperty('base_reachable_time_ms');
  });

  it('calls it unknown when only one connection attempt (and its retransmissions) went through the next hop', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    for (const dt of [100, 101, 103, 107, 315]) e.handleDecoded(syn(GUEST, SERVER_IP, 50_000), T0 + dt);
    expect(alerts.map((a) => [a.kind, 'cause' in a ? a.cause : '', 'syn_peer' in a])).toEqual([
      ['arp-gap-warning', 'unknown', false],
      ['arp-gap-expired', 'unknown', false],
    ]);
  });

  it('raises nothing for a station that falls silent right after its ARP, nor when it ARPs again much later', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, OTHER, T0 + 1, T0 + 1000, 10);
    expect(alerts).toEqual([]);
    expect(e.finish().stations[0]).toMatchObject({ status: 'silent', arp_age_s: 991 });
    e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 1000);
    expect(alerts).toEqual([]);
  });

  it('counts the time past the threshold on recovery even when the station was silent through it', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    e.handleDecoded(udp(GUEST), T0 + 10);
    talk(e, OTHER, T0 + 11, T0 + 499, 8);
    e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 500);
    expect(kinds(alerts)).toEqual([
      ['arp-gap-warning', T0 + 240],
      ['arp-gap-recovered', T0 + 500],
    ]);
    expect(alerts[1]).toMatchObject({ gap_s: 500, past_threshold_s: 200, frames_since_arp: 1 });
  });

  it('warns about a station that talked and then fell silent, but raises no critical alert', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, GUEST, T0 + 10, T0 + 20, 10);
    talk(e, OTHER, T0 + 21, T0 + 1000, 7);
    expect(kinds(alerts)).toEqual([['arp-gap-warning', T0 + 240]]);
    expect(e.finish().stations[0]).toMatchObject({ status: 'silent', warnings: 1, expiries: 0 });
  });

  it('warns late, at its first frame in the band, a station that sent nothing until its ARP was warn seconds old', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, OTHER, T0 + 1, T0 + 260, 1);
    e.handleDecoded(udp(GUEST), T0 + 262.5);
    expect(alerts).toStrictEqual<Alert[]>([
      { ts: T0 + 262.5, severity: 'warning', kind: 'arp-gap-warning', ...GUEST_FIELDS, gap_s: 262.5, last_arp_ts: T0, frames_since_arp: 1, cause: 'unknown' },
    ]);
  });

  it('goes straight to expiry for a station whose first frame after its ARP is past the threshold', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, OTHER, T0 + 1, T0 + 400, 1);
    e.handleDecoded(udp(GUEST), T0 + 400.5);
    expect(kinds(alerts)).toEqual([['arp-gap-expired', T0 + 400.5]]);
  });

  it('warns and recovers, without an expiry, for a near miss with an ARP at 250 s', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, GUEST, T0 + 10, T0 + 249, 10);
    e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 250);
    expect(kinds(alerts)).toEqual([
      ['arp-gap-warning', T0 + 240],
      ['arp-gap-recovered', T0 + 250],
    ]);
    expect(alerts[1]).toMatchObject({ gap_s: 250, past_threshold_s: 0, frames_since_arp: 24, expired: false });
  });

  it('by default measures a MAC over all its ARP frames whatever their VLAN (bridge.sys learns per MAC): a router ARPing on one VLAN raises nothing', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP, { vlan: 10 }), T0);
    e.handleDecoded(arp(GUEST, GUEST_IP, { vlan: 20 }), T0);
    for (let t = 10; t <= 400; t += 10) {
      e.handleDecoded(udp(GUEST, { vlan: 10 }), T0 + t);
      e.handleDecoded(udp(GUEST, { vlan: 20 }), T0 + t);
      if (t % 30 === 0) e.handleDecoded(arp(GUEST, GUEST_IP, { vlan: 20 }), T0 + t + 1);
    }
    expect(alerts).toEqual([]);
    const [row] = e.finish().stations;
    expect(row).toMatchObject({ vlans: [10, 20], status: 'ok', warnings: 0, expiries: 0, max_arp_gap_s: 31 });
  });

  it('puts the alert on the VLAN of the frame that raised it (per MAC)', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP, { vlan: 20 }), T0);
    for (let t = 10; t <= 320; t += 10) e.handleDecoded(udp(GUEST, { vlan: 10 }), T0 + t);
    expect(kinds(alerts)).toEqual([
      ['arp-gap-warning', T0 + 240],
      ['arp-gap-expired', T0 + 310],
    ]);
    for (const a of alerts) expect(a.vlan).toBe(10);
  });

  it('with perVlan puts the VLAN on the alert and keeps the same MAC on two VLANs apart (one entry per MAC and VLAN)', () => {
    const { engine: e, alerts } = engine({ perVlan: true });
    e.handleDecoded(arp(GUEST, GUEST_IP, { vlan: 10 }), T0);
    e.handleDecoded(arp(GUEST, GUEST_IP, { vlan: 20 }), T0);
    for (let t = 10; t <= 400; t += 10) {
      e.handleDecoded(udp(GUEST, { vlan: 10 }), T0 + t);
      e.handleDecoded(udp(GUEST, { vlan: 20 }), T0 + t);
      if (t % 30 === 0) e.handleDecoded(arp(GUEST, GUEST_IP, { vlan: 20 }), T0 + t + 1);
    }
    expect(kinds(alerts)).toEqual([
      ['arp-gap-warning', T0 + 240],
      ['arp-gap-expired', T0 + 310],
    ]);
    for (const a of alerts) expect(a.vlan).toBe(10);
    expect(alerts[0]).toMatchObject({ frames_since_arp: 23 });
    const [row] = e.finish().stations;
    expect(row).toMatchObject({ vlans: [10, 20], status: 'expired', warnings: 1, expiries: 1, arp_age_s: 9 });
  });

  it('with perVlan ignores frames on a VLAN the station never ARPed on: their age is unknown', () => {
    const { engine: e, alerts } = engine({ perVlan: true });
    e.handleDecoded(arp(GUEST, GUEST_IP, { vlan: 10 }), T0);
    for (let t = 30; t <= 600; t += 30) {
      e.handleDecoded(arp(GUEST, GUEST_IP, { vlan: 10 }), T0 + t);
      e.handleDecoded(udp(GUEST, { vlan: 30 }), T0 + t + 1);
      e.handleDecoded(udp(GUEST), T0 + t + 2);
    }
    expect(alerts).toEqual([]);
  });

  it('warns at exactly +warn and not before, and expires only strictly past +threshold', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), 1000);
    e.handleDecoded(udp(GUEST), 1239.999);
    expect(alerts).toEqual([]);
    // The timer at 1240 finds the frame at 1239.999 and warns, at its own deadline.
    e.handleDecoded(udp(GUEST), 1240);
    expect(kinds(alerts)).toEqual([['arp-gap-warning', 1240]]);
    e.handleDecoded(udp(GUEST), 1300);
    expect(kinds(alerts)).toHaveLength(1);
    e.handleDecoded(udp(GUEST), 1300.000001);
    expect(kinds(alerts)).toEqual([
      ['arp-gap-warning', 1240],
      ['arp-gap-expired', 1300.000001],
    ]);
  });

  it('warns, and does not expire, for a first frame landing exactly on +threshold', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), 1000);
    e.handleDecoded(udp(GUEST), 1300);
    expect(alerts).toMatchObject([{ kind: 'arp-gap-warning', ts: 1300, gap_s: 300 }]);
  });

  it('warns from a frame landing exactly on +warn when nothing was sent before it', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), 1000);
    e.handleDecoded(udp(GUEST), 1240);
    expect(alerts).toMatchObject([{ kind: 'arp-gap-warning', ts: 1240, gap_s: 240, frames_since_arp: 1 }]);
  });

  it('handles a frame stamped in the past at the clock’s time, so a late ARP restarts the gap from now', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), 1000);
    e.handleDecoded(udp(GUEST), 1100);
    e.handleDecoded(udp(GUEST), 900);
    e.handleDecoded(arp(GUEST, GUEST_IP), 950);
    talk(e, GUEST, 1110, 1350, 10);
    expect(alerts).toMatchObject([{ kind: 'arp-gap-warning', ts: 1340, last_arp_ts: 1100, gap_s: 240 }]);
    expect(e.finish().ts_backwards).toBe(2);
  });

  it('still raises the expiry when the station’s own frame ends a capture-wide hole longer than the threshold, and says so', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, GUEST, T0 + 10, T0 + 20, 10);
    e.handleDecoded(udp(GUEST), T0 + 400);
    e.handleDecoded(arp(GUEST, GUEST_IP), T0 + 410);
    expect(kinds(alerts)).toEqual([
      ['arp-gap-warning', T0 + 240],
      ['arp-gap-expired', T0 + 400],
      ['arp-gap-recovered', T0 + 410],
    ]);
    for (const a of alerts) expect(a).toMatchObject({ capture_hole_s: 380 });
    expect(alerts[2]).toMatchObject({ gap_s: 410, past_threshold_s: 110, frames_since_arp: 3 });
  });

  it('does not mention a capture hole that came before the last ARP', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(udp(OTHER), T0 - 1000);
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, GUEST, T0 + 10, T0 + 310, 10);
    expect(alerts).toHaveLength(2);
    for (const a of alerts) expect(a).not.toHaveProperty('capture_hole_s');
  });

  it('fires the warning from a live tick when no packet arrives, at the warning’s own time', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, GUEST, T0 + 10, T0 + 100, 10);
    e.tick(T0 + 239);
    expect(alerts).toEqual([]);
    e.tick(T0 + 250);
    expect(alerts).toMatchObject([{ kind: 'arp-gap-warning', ts: T0 + 240, frames_since_arp: 10 }]);
  });

  it('raises nothing past the last packet at the end of input', () => {
    const { engine: e, alerts } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, GUEST, T0 + 10, T0 + 230, 10);
    const summary = e.finish();
    expect(alerts).toEqual([]);
    expect(summary.end_ts).toBe(T0 + 230);
    expect(summary.stations[0]).toMatchObject({ status: 'ok', arp_age_s: 230 });
  });

  it('honours other thresholds', () => {
    const { engine: e, alerts } = engine({ arpThresholdS: 120, arpWarnS: 60 });
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, GUEST, T0 + 10, T0 + 130, 10);
    expect(kinds(alerts)).toEqual([
      ['arp-gap-warning', T0 + 60],
      ['arp-gap-expired', T0 + 130],
    ]);
    expect(alerts[1]).toMatchObject({ threshold_s: 120 });
  });

  it('keeps one timer per station under a flood of a million ARPs from one MAC', () => {
    const { engine: e, alerts } = engine({ arpThresholdS: 2, arpWarnS: 1 });
    const d = arp(GUEST, GUEST_IP);
    // Traffic with no transport header: it arms the ARP-gap deadline and nothing else.
    const talk = udp(GUEST);
    talk.ipProto = 47;
    talk.l4 = L4.NONE;
    let largest = 0;
    // 100k ARPs per second for 10 s, each followed by a frame that arms the warning deadline
    // again: the 1 s entry pops early and is re-pushed every second.
    for (let i = 0; i < 1_000_000; i++) {
      e.handleDecoded(d, T0 + i / 100_000);
      e.handleDecoded(talk, T0 + i / 100_000);
      largest = Math.max(largest, e.clock.timers.size);
    }
    expect(largest).toBe(1);
    expect(alerts).toEqual([]);
  });

  it('drops an evicted station’s timer with it', () => {
    const { engine: e, alerts } = engine({ maxStations: 1 });
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    e.handleDecoded(udp(GUEST), T0 + 1);
    // GUEST's warning deadline goes with it; the new station has none until it sends after its ARP.
    e.handleDecoded(arp(OTHER, ip('198.51.100.12')), T0 + 2);
    expect(e.clock.timers.size).toBe(0);
    e.handleDecoded(udp(OTHER), T0 + 500);
    expect(kinds(alerts)).toEqual([
      ['table-full', T0 + 2],
      ['arp-gap-expired', T0 + 500],
    ]);
    expect(alerts[1]).toMatchObject({ mac: '00:15:5d:0a:00:02', ip: '198.51.100.12' });
  });

  it('starts a new station afresh on the state an evicted one leaves for reuse', () => {
    const { engine: e, alerts } = engine({ maxStations: 1 });
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, GUEST, T0 + 10, T0 + 310, 10);
    expect(e.finish().stations[0]).toMatchObject({ status: 'expired', warnings: 1, expiries: 1 });
    e.handleDecoded(arp(OTHER, ip('198.51.100.12')), T0 + 320);
    expect(e.finish().stations).toMatchObject([{ mac: '00:15:5d:0a:00:02', status: 'ok', warnings: 0, expiries: 0, cause: null, arp_age_s: 0 }]);
    talk(e, OTHER, T0 + 330, T0 + 560, 10);
    expect(kinds(alerts).slice(-1)).toEqual([['arp-gap-warning', T0 + 560]]);
  });

  it('reports a warning status while talking between warn and threshold', () => {
    const { engine: e } = engine();
    e.handleDecoded(arp(GUEST, GUEST_IP), T0);
    talk(e, GUEST, T0 + 10, T0 + 250, 10);
    expect(e.finish().stations[0]).toMatchObject({ status: 'warning', warnings: 1, arp_age_s: 250 });
    expect(e.arpGap.view(e.stations.get(GUEST)!, T0 + 301).status).toBe('silent');
  });
});

describe("ARP-gap entries beyond a station's first VLAN", () => {
  it('with perVlan, share one pool sized from the station cap; an ARP on a further VLAN past it is not tracked, and table-full says so once', () => {
    const { engine, alerts, send } = network({ maxStations: 16, perVlan: true });
    const pool = engine.arpGap.maxExtraEntries;
    expect(pool).toBe(ARP_GAP_MAX_VLANS);
    // Station A takes every VLAN entry it may have: its first and ARP_GAP_MAX_VLANS - 1 from the pool.
    const a = { mac: '00:15:5d:05:09:01', ip: '198.51.100.91' };
    for (let v = 1; v <= ARP_GAP_MAX_VLANS; v++) send(v, arpGratuitous({ ...a, vlans: [v] }));
    // Station B: its first VLAN is always tracked, one more fits the pool, the next does not.
    const b = { mac: '00:15:5d:05:09:02', ip: '198.51.100.92' };
    for (let v = 1; v <= 3; v++) send(100 + v, arpGratuitous({ ...b, vlans: [v] }));
    expect(alerts.filter((x) => x.kind === 'table-full')).toEqual([
      { ts: expect.any(Number), severity: 'warning', kind: 'table-full', table: 'station-vlans', limit: pool },
    ]);
    expect(engine.arpGap.refused).toBe(1);
    const rows = [...engine.stationRows()];
    expect(rows.map((r) => [r.mac, r.vlans.length])).toEqual([
      [a.mac, 16],
      [b.mac, 3],
    ]);
    const stationB = [...engine.stations.byMac.values()].find((st) => st.arpGap.length < ARP_GAP_MAX_VLANS)!;
    expect(stationB.arpGap.map((e) => e.vlan)).toEqual([1, 2]);
  });
});
