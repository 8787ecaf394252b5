// The inbound-blackout detector on crafted traffic: start and end, the 2-request/1-s rule, markers and the quarantine cause, services, TCP retries, open blackouts, live ticks, bounded tables.

import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/detect/alerts';
import { MARKER_WINDOW_S, MAX_BLACKOUT_ROWS } from '../../src/detect/blackout-rules';
import {
  arpGratuitous,
  arpReply,
  arpRequest,
  CLIENT,
  CLIENT6,
  echo6,
  echoReply,
  echoRequest,
  ipv6UnsolicitedNa,
  network,
  OTHER,
  pings,
  rarp,
  rst,
  syn,
  synAck,
  T0,
  timeline,
  udp,
  VM,
  VM6,
} from './traffic';

/** Numbers relative to T0 for times, all rounded to the microsecond, so that alerts compare exactly. */
function plain(a: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) {
    if (typeof v === 'number') out[k] = Math.round((k === 'ts' || k.endsWith('_ts') ? v - T0 : v) * 1e6) / 1e6;
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) out[k] = plain(v);
    else out[k] = v;
  }
  return out;
}

/**
 * VM is known (it answered CLIENT's ARP at 0) and answers pings every 0.25 s from 0 to `toS`,
 * except those sent in [lostFrom, lostTo); `marker` frames are sent at their times.
 */
function outage(o: { lostFrom: number; lostTo: number; toS?: number; marker?: [number, Buffer]; options?: object }) {
  const net = network(o.options);
  net.send(0, arpRequest(CLIENT, VM.ip), arpReply(VM, CLIENT));
  let sentMarker = o.marker === undefined;
  pings(
    (t, ...f) => {
      if (!sentMarker && t >= o.marker![0]) {
        net.send(o.marker![0], o.marker![1]);
        sentMarker = true;
      }
      net.send(t, ...f);
    },
    { fromS: 0.25, toS: o.toS ?? 20, everyS: 0.25, lost: (t) => t >= o.lostFrom && t < o.lostTo },
  );
  return net;
}

const blackouts = (alerts: Alert[]) => alerts.filter((a) => a.kind === 'inbound-blackout').map(plain);

describe('inbound blackout', () => {
  it('names the 7 s after a gratuitous ARP as the interface quarantine: start as soon as it is known, end once it has settled', () => {
    const { engine, alerts } = outage({ lostFrom: 5, lostTo: 12, marker: [4.9, arpGratuitous(VM)] });
    expect(timeline(alerts)).toEqual([
      ['network-change', 4.9],
      // The 5th lost ping (6.0 s) makes two spanning 1 s; its timeout is at 7.0 s.
      ['inbound-blackout-start', 7],
      // The ping of 12.0 s is answered; by 13.0 s every ping sent before it has had its 1 s.
      ['inbound-blackout', 13],
      ['network-change-outage', 13],
    ]);
    expect(plain(alerts[1]!)).toStrictEqual({
      ts: 7,
      severity: 'warning',
      kind: 'inbound-blackout-start',
      mac: VM.mac,
      ip: VM.ip,
      start_ts: 5,
      lost: { icmp: 5, udp: 0, tcp_syn: 0 },
      syn_retransmissions: 0,
      marker: 'gratuitous-arp',
      marker_offset_s: -0.1,
    });
    expect(plain(alerts[2]!)).toStrictEqual({
      ts: 13,
      severity: 'critical',
      kind: 'inbound-blackout',
      mac: VM.mac,
      ip: VM.ip,
      start_ts: 5,
      duration_s: 7,
      lost: { icmp: 28, udp: 0, tcp_syn: 0 },
      syn_retransmissions: 0,
      tcp_through_on_retry: 0,
      marker: 'gratuitous-arp',
      marker_offset_s: -0.1,
      resumed_after_marker_s: 7.1,
      cause: 'interface-quarantine',
    });
    expect(plain(alerts[3]!)).toStrictEqual({
      ts: 13,
      severity: 'info',
      kind: 'network-change-outage',
      mac: VM.mac,
      ip: VM.ip,
      marker: 'gratuitous-arp',
      marker_ts: 4.9,
      start_ts: 5,
      outage_s: 7,
      lost: { icmp: 28, udp: 0, tcp_syn: 0 },
      after_marker_s: 7,
      inbound_blackout: true,
    });
    expect(engine.finish().blackouts.map(plain)).toStrictEqual([
      {
        ip: VM.ip,
        mac: VM.mac,
        start_ts: 5,
        duration_s: 7,
        open: false,
        lost: { icmp: 28, udp: 0, tcp_syn: 0 },
        syn_retransmissions: 0,
        tcp_through_on_retry: 0,
        marker: 'gratuitous-arp',
        marker_offset_s: -0.1,
        resumed_after_marker_s: 7.1,
        cause: 'interface-quarantine',
      },
    ]);
  });

  it('calls 3 s without a network change a blackout of unknown cause, with no marker fields', () => {
    const { alerts } = outage({ lostFrom: 5, lostTo: 8 });
    expect(timeline(alerts)).toEqual([
      ['inbound-blackout-start', 7],
      ['inbound-blackout', 9],
    ]);
    const b = blackouts(alerts)[0]!;
    expect([b.duration_s, b.cause, 'marker' in b, 'marker_offset_s' in b]).toEqual([3, 'unknown', false, false]);
  });

  it('keeps the cause unknown when a marker came but the blackout did not last about 7 s', () => {
    const { alerts } = outage({ lostFrom: 5, lostTo: 8, marker: [5, arpGratuitous(VM)] });
    expect(blackouts(alerts).map((b) => [b.duration_s, b.marker, b.cause])).toEqual([[3, 'gratuitous-arp', 'unknown']]);
  });

  it.each([
    [5.25, 'unknown'],
    [5.5, 'interface-quarantine'],
    [8.5, 'interface-quarantine'],
    [8.75, 'unknown'],
  ])('takes %f s after a marker as %s (7 s +- 1.5 s)', (duration, cause) => {
    const { alerts } = outage({ lostFrom: 5, lostTo: 5 + duration, marker: [5, arpGratuitous(VM)] });
    expect(blackouts(alerts).map((b) => [b.duration_s, b.cause])).toEqual([[duration, cause]]);
  });

  it.each([
    // [marker offset from the start, end of the losses, marker kept, cause]
    [-MARKER_WINDOW_S, 10, true, 'interface-quarantine'],
    [-MARKER_WINDOW_S - 0.25, 10, false, 'unknown'],
    // The outage began well before the marker (a long stop-and-copy), answers resume 7 s after it.
    [4, 16, true, 'interface-quarantine'],
    [MARKER_WINDOW_S, 12, true, 'unknown'],
    [1, 5 + 1 + 7 + 1.75, true, 'unknown'],
  ])(`keeps a marker %f s from the start (losses to %f s): %s, %s`, (offset, lostTo, kept, cause) => {
    const { alerts } = outage({ lostFrom: 5, lostTo, marker: [5 + offset, arpGratuitous(VM)] });
    const [b] = blackouts(alerts);
    expect([b!.marker_offset_s, b!.cause]).toEqual([kept ? offset : undefined, cause]);
    if (kept) expect(b!.resumed_after_marker_s).toBeCloseTo(lostTo - 5 - offset, 6);
  });

  it('reports the outage of an ordinary migration that lost three pings, which is no inbound blackout', () => {
    const { alerts } = outage({ lostFrom: 5, lostTo: 5.6, marker: [5.3, rarp(VM.mac)] });
    expect(alerts.map((a) => a.kind)).toEqual(['network-change', 'network-change-outage']);
    expect(plain(alerts[1]!)).toMatchObject({
      marker: 'rarp',
      marker_ts: 5.3,
      start_ts: 5,
      outage_s: 0.75,
      lost: { icmp: 3, udp: 0, tcp_syn: 0 },
      after_marker_s: 0.45,
      inbound_blackout: false,
    });
  });

  it('reports an outage of 0 when nothing was lost across the change, once its settle window has passed', () => {
    const { alerts, engine } = outage({ lostFrom: 99, lostTo: 99, marker: [5.1, rarp(VM.mac)] });
    expect(timeline(alerts)).toEqual([
      ['network-change', 5.1],
      ['network-change-outage', 9.1],
    ]);
    expect(alerts[1]).toMatchObject({ outage_s: 0, after_marker_s: 0, lost: { icmp: 0, udp: 0, tcp_syn: 0 }, inbound_blackout: false });
    expect(alerts[1]).not.toHaveProperty('start_ts');
    expect(engine.finish().outages).toHaveLength(1);
  });

  it('relates the marker by the MAC the host answers from: a RARP carries no IP', () => {
    const { alerts } = outage({ lostFrom: 5, lostTo: 12, marker: [5.5, rarp(VM.mac)] });
    expect(blackouts(alerts).map((b) => [b.marker, b.cause])).toEqual([['rarp', 'interface-quarantine']]);
  });

  it('sees a quarantine of an IPv6 host marked by its unsolicited neighbour advertisement', () => {
    const { alerts, send } = network();
    let seq = 1;
    for (let t = 0.25; t < 15; t += 0.25, seq++) {
      if (t === 4.75) send(t, ipv6UnsolicitedNa(VM6));
      send(t, echo6(CLIENT6, VM6, 128, seq));
      if (t < 5 || t >= 12) send(t + 0.001, echo6(VM6, CLIENT6, 129, seq));
    }
    expect(timeline(alerts)).toEqual([
      ['network-change', 4.75],
      ['inbound-blackout-start', 7],
      ['inbound-blackout', 13],
    ]);
    expect(blackouts(alerts).map((b) => [b.ip, b.mac, b.duration_s, b.marker, b.cause])).toEqual([
      ['2001:db8::a', VM.mac, 7, 'unsolicited-na', 'interface-quarantine'],
    ]);
  });
});

describe('what is not a blackout', () => {
  it('is one lost ping', () => {
    const { alerts } = outage({ lostFrom: 5, lostTo: 5.25 });
    expect(alerts).toEqual([]);
  });

  it('is unanswered requests spanning less than --blackout-min (0.75 s here), while 1.0 s is enough', () => {
    expect(outage({ lostFrom: 5, lostTo: 5.8 }).alerts).toEqual([]);
    expect(timeline(outage({ lostFrom: 5, lostTo: 6.1 }).alerts)).toEqual([
      ['inbound-blackout-start', 7],
      ['inbound-blackout', 7.25],
    ]);
  });

  it('is found even when the host answers again before the lost requests have timed out: the run settles first', () => {
    // Lost 5.0-6.0, answered from 6.25: when the answer comes only two losses are known.
    const { alerts } = outage({ lostFrom: 5, lostTo: 6.1 });
    expect(blackouts(alerts).map((b) => [b.ts, b.start_ts, b.duration_s, b.lost])).toEqual([[7.25, 5, 1.25, { icmp: 5, udp: 0, tcp_syn: 0 }]]);
  });

  it('follows --blackout-min and the least number of lost requests', () => {
    expect(outage({ lostFrom: 5, lostTo: 8, options: { blackoutMinS: 3.5 } }).alerts).toEqual([]);
    expect(outage({ lostFrom: 5, lostTo: 8, options: { blackoutMinLost: 13 } }).alerts).toEqual([]);
    expect(timeline(outage({ lostFrom: 5, lostTo: 5.5, options: { blackoutMinS: 0.25 } }).alerts)).toEqual([
      ['inbound-blackout-start', 6.25],
      ['inbound-blackout', 6.5],
    ]);
  });

  it('is requests lost to a host that never answered before', () => {
    const { alerts, send } = network();
    for (let t = 0; t < 10; t += 0.25) send(t, echoRequest(CLIENT, OTHER, t * 4));
    engineTick(send);
    expect(alerts).toEqual([]);
  });

  it('is a one-way UDP stream to a host that answers pings: syslog never answers, so its datagrams never count', () => {
    const { alerts, send } = network();
    let seq = 1;
    for (let t = 0.25; t < 10; t += 0.25) {
      send(t, echoRequest(CLIENT, VM, seq), echoReply(VM, CLIENT, seq++), udp(CLIENT, VM, 514, 514));
    }
    expect(alerts).toEqual([]);
  });

  it('is SYNs to a port that never answered (filtered), while a port that answered with RST counts', () => {
    const { alerts, send } = network();
    send(0.1, echoRequest(CLIENT, VM, 1), echoReply(VM, CLIENT, 1));
    send(0.2, syn(CLIENT, VM, 40000, 23), rst(VM, CLIENT, 23, 40000)); // closed: it answers
    for (let i = 0; i < 8; i++) send(1 + i * 0.5, syn(CLIENT, VM, 41000 + i, 445)); // filtered: never answered
    send(5.5, echoRequest(CLIENT, VM, 2), echoReply(VM, CLIENT, 2));
    expect(alerts).toEqual([]);
    for (let i = 0; i < 4; i++) send(6 + i * 0.5, syn(CLIENT, VM, 42000 + i, 23));
    send(9, syn(CLIENT, VM, 43000, 23), rst(VM, CLIENT, 23, 43000));
    engineTick(send);
    expect(blackouts(alerts).map((b) => [b.start_ts, b.duration_s, b.lost])).toEqual([[6, 3, { icmp: 0, udp: 0, tcp_syn: 4 }]]);
  });

  it('is an isolated loss followed by answers, however long until the next loss', () => {
    const { alerts, send } = network();
    send(0, echoRequest(CLIENT, VM, 1), echoReply(VM, CLIENT, 1));
    send(1, echoRequest(CLIENT, VM, 2));
    send(1.5, echoRequest(CLIENT, VM, 3), echoReply(VM, CLIENT, 3));
    send(5, echoRequest(CLIENT, VM, 4));
    engineTick(send);
    expect(alerts).toEqual([]);
  });
});

/** Move the clock far ahead with one unrelated frame, so that every timer fires. */
function engineTick(send: (t: number, ...f: Buffer[]) => void): void {
  send(100, arpRequest(OTHER, '192.0.2.99'));
}

describe('UDP and TCP in a blackout', () => {
  it('counts datagrams to a UDP port that answered before, and SYN retransmissions; TCP retries that get through later reach the summary', () => {
    const { engine, alerts, send } = network();
    // Frames gathered first and sent in time order.
    const frames: [number, Buffer[]][] = [];
    const at = (t: number, ...f: Buffer[]) => frames.push([t, f]);
    at(0, udp(CLIENT, VM, 5000, 53), udp(VM, CLIENT, 53, 5000));
    at(0.1, syn(CLIENT, VM, 40000, 80), synAck(VM, CLIENT, 80, 40000));
    pings(at, { fromS: 0.25, toS: 20, everyS: 0.25, lost: (t) => t >= 5 && t < 12 });
    // One DNS query in the blackout (its own source port: a flow of its own), and one TCP attempt
    // retransmitting 1, 3 and 7 s later (Linux), answered at its third retry: after the pings
    // ended the blackout at 12 s and it settled at 13 s.
    at(5.5, udp(CLIENT, VM, 5001, 53));
    at(7.6, syn(CLIENT, VM, 40001, 80));
    at(8.6, syn(CLIENT, VM, 40001, 80));
    at(10.6, syn(CLIENT, VM, 40001, 80));
    at(14.6, syn(CLIENT, VM, 40001, 80), synAck(VM, CLIENT, 80, 40001));
    for (const [t, f] of frames.sort((x, y) => x[0] - y[0])) send(t, ...f);
    const b = blackouts(alerts)[0]!;
    expect([b.lost, b.syn_retransmissions, b.tcp_through_on_retry]).toEqual([{ icmp: 28, udp: 1, tcp_syn: 3 }, 2, 0]);
    const row = engine.finish().blackouts[0]!;
    expect([row.syn_retransmissions, row.tcp_through_on_retry]).toEqual([2, 1]);
  });

  it('ends on the retransmission that gets through when TCP is all there is, counting it in the alert', () => {
    const { alerts, send } = network();
    send(0, syn(CLIENT, VM, 40000, 80), synAck(VM, CLIENT, 80, 40000));
    send(5, syn(CLIENT, VM, 40001, 80));
    send(6, syn(CLIENT, VM, 40001, 80));
    send(8, syn(CLIENT, VM, 40001, 80), synAck(VM, CLIENT, 80, 40001));
    engineTick(send);
    expect(blackouts(alerts).map((b) => [b.start_ts, b.duration_s, b.lost, b.tcp_through_on_retry])).toEqual([[5, 3, { icmp: 0, udp: 0, tcp_syn: 2 }, 1]]);
  });
});

describe('open blackouts and live time', () => {
  it('reports a blackout the input ends inside as open, with its duration so far and no cause, and raises no end', () => {
    const { engine, alerts } = outage({ lostFrom: 5, lostTo: 100, toS: 10 });
    expect(timeline(alerts)).toEqual([['inbound-blackout-start', 7]]);
    const s = engine.finish();
    expect(s.blackouts.map(plain)).toStrictEqual([
      {
        ip: VM.ip,
        mac: VM.mac,
        start_ts: 5,
        duration_s: 4.75,
        open: true,
        lost: { icmp: 16, udp: 0, tcp_syn: 0 },
        syn_retransmissions: 0,
        tcp_through_on_retry: 0,
        marker: null,
        marker_offset_s: null,
        resumed_after_marker_s: null,
        cause: null,
      },
    ]);
  });

  it('raises the start from a live tick when nothing more arrives', () => {
    const { engine, alerts, send } = network();
    send(0, echoRequest(CLIENT, VM, 1), echoReply(VM, CLIENT, 1));
    send(5, echoRequest(CLIENT, VM, 2));
    send(6, echoRequest(CLIENT, VM, 3));
    engine.tick(T0 + 6.5);
    expect(alerts).toEqual([]);
    engine.tick(T0 + 7.5);
    expect(timeline(alerts)).toEqual([['inbound-blackout-start', 7]]);
  });
});

describe('bounded tables', () => {
  it('evicts the least recently used host when the host table is full, and says so once', () => {
    const { engine, alerts, send } = network({ maxHosts: 2 });
    for (let i = 0; i < 4; i++) {
      const host = { mac: `00:15:5d:05:02:0${i}`, ip: `198.51.100.${50 + i}` };
      send(i, echoRequest(CLIENT, host, i), echoReply(host, CLIENT, i));
    }
    expect(alerts.map(plain)).toEqual([{ ts: 2, severity: 'warning', kind: 'table-full', table: 'hosts', limit: 2 }]);
    expect(engine.finish().evicted.hosts).toBe(2);
    expect(engine.blackout.size).toBe(2);
  });

  it('a host evicted and replaced starts from nothing, and a blackout row keeps the address it was about', () => {
    const { engine, alerts, send } = network({ maxHosts: 1, blackoutMinS: 0.5 });
    // VM answers, then stops answering: a blackout row about VM.
    send(0, echoRequest(CLIENT, VM, 1), echoReply(VM, CLIENT, 1));
    send(0.5, echoRequest(CLIENT, VM, 2));
    send(1, echoRequest(CLIENT, VM, 3));
    send(3, echoRequest(CLIENT, VM, 4), echoReply(VM, CLIENT, 4));
    // A stream of other hosts, each answering once, evicts VM and then one another.
    for (let i = 0; i < 8; i++) {
      const host = { mac: `00:15:5d:05:03:0${i}`, ip: `198.51.100.${60 + i}` };
      send(10 + i, echoRequest(CLIENT, host, 100 + i), echoReply(host, CLIENT, 100 + i));
    }
    // The last of them loses requests to a service it never answered on (TCP 443): nothing to say about it.
    const last = { mac: '00:15:5d:05:03:07', ip: '198.51.100.67' };
    send(20, syn(CLIENT, last, 40000, 443));
    send(20.6, syn(CLIENT, last, 40001, 443));
    engine.tick(T0 + 30);
    const s = engine.finish();
    expect(s.blackouts.map((b) => b.ip)).toEqual([VM.ip]);
    expect(alerts.filter((a) => a.kind === 'inbound-blackout').map((a) => a.ip)).toEqual([VM.ip]);
    expect(s.evicted.hosts).toBe(8);
  });

  it(`keeps the last ${MAX_BLACKOUT_ROWS} blackouts in the summary and counts the ones it left out`, () => {
    const { engine, send } = network({ blackoutMinS: 0.5 });
    let seq = 0;
    for (let i = 0; i <= MAX_BLACKOUT_ROWS; i++) {
      const t = i * 4;
      send(t, echoRequest(CLIENT, VM, ++seq), echoReply(VM, CLIENT, seq));
      send(t + 0.5, echoRequest(CLIENT, VM, ++seq));
      send(t + 1, echoRequest(CLIENT, VM, ++seq));
      send(t + 3, echoRequest(CLIENT, VM, ++seq), echoReply(VM, CLIENT, seq));
    }
    const s = engine.finish();
    expect(s.blackouts).toHaveLength(MAX_BLACKOUT_ROWS);
    expect(s.evicted.blackouts).toBe(1);
    expect(s.blackouts[0]!.start_ts).toBe(T0 + 4.5);
  });
});

describe('options', () => {
  it.each([
    ['responseTimeoutS', 0],
    ['responseTimeoutS', Infinity],
    ['blackoutMinS', -1],
    ['blackoutMinLost', 0],
    ['blackoutMinLost', 1.5],
    ['announceQuietS', NaN],
    ['maxHosts', 0],
    ['maxRequests', 2.5],
  ])('rejects %s = %f at construction, naming it', (name, value) => {
    expect(() => network({ [name]: value })).toThrow(new RegExp(`^${name} must be`));
  });
});
