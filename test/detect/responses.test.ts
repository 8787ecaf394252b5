// Request/response matching: echo, TCP handshake and UDP answers; timeouts, SYN retransmissions, the UDP ring, and a flood against a small cap.

import { describe, expect, it } from 'vitest';
import { DecodedFrame, L4 } from '../../src/decode/decoded-frame';
import { decodeFrame } from '../../src/decode/link';
import type { Alert } from '../../src/detect/alerts';
import { PacketClock } from '../../src/detect/clock';
import type { PendingRequest, ResponseListener } from '../../src/detect/responses';
import { REQUEST, ResponseMatcher, SYN_LINGER_S, UDP_RING } from '../../src/detect/responses';
import { CLIENT, CLIENT6, echo6, echoReply, echoRequest, frameAt, OTHER, rst, syn, synAck, T0, tcp, udp, VM, VM6 } from './traffic';

type Event = [string, ...(string | number)[]];

/** A matcher on its own clock; `at(t, bytes)` advances the clock to T0 + t and hands it the frame. */
function matcher(o: { responseTimeoutS?: number; maxRequests?: number } = {}) {
  const events: Event[] = [];
  const alerts: Alert[] = [];
  const kindName = (p: PendingRequest) => ({ [REQUEST.ICMP]: 'icmp', [REQUEST.UDP]: 'udp', [REQUEST.TCP_SYN]: 'tcp' })[p.kind];
  const rel = (t: number) => Math.round((t - T0) * 1000) / 1000;
  const clock = new PacketClock();
  const listener: ResponseListener = {
    answered: (p) => events.push(['answered', kindName(p), rel(p.eventS), rel(clock.now), p.retries]),
    unanswered: (p) => events.push(['unanswered', kindName(p), rel(p.eventS), rel(clock.now)]),
    synRetransmitted: (p) => events.push(['retransmitted', kindName(p), rel(p.eventS)]),
  };
  const m = new ResponseMatcher({ responseTimeoutS: o.responseTimeoutS ?? 1, maxRequests: o.maxRequests ?? 1000 }, clock, listener, (a) => alerts.push(a));
  const d = new DecodedFrame();
  const at = (t: number, bytes: Buffer) => {
    const f = frameAt(bytes, T0 + t);
    decodeFrame(f, d);
    clock.advance(T0 + t);
    m.onFrame(d);
  };
  const tick = (t: number) => clock.tick(T0 + t);
  return { m, clock, events, alerts, at, tick };
}

describe('ResponseMatcher: ICMP echo', () => {
  it('matches an echo reply to its request by addresses, identifier and sequence', () => {
    const { m, events, at } = matcher();
    at(0, echoRequest(CLIENT, VM, 1));
    at(0.1, echoReply(VM, CLIENT, 2)); // another sequence
    at(0.2, echoReply(VM, CLIENT, 1, 0x1111)); // another identifier
    at(0.3, echoReply(OTHER, CLIENT, 1)); // another host
    at(0.4, echoRequest(VM, CLIENT, 1)); // the other way round: a request of its own
    expect(events).toEqual([]);
    at(0.5, echoReply(VM, CLIENT, 1));
    expect(events).toEqual([['answered', 'icmp', 0, 0.5, 0]]);
    expect(m.size).toBe(1); // VM's own request to CLIENT still waits
  });

  it('reports a request unanswered at exactly its timeout, from the clock, and ignores the late reply', () => {
    const { m, events, at, tick } = matcher({ responseTimeoutS: 1 });
    at(0, echoRequest(CLIENT, VM, 1));
    tick(0.999);
    expect(events).toEqual([]);
    tick(1);
    expect(events).toEqual([['unanswered', 'icmp', 0, 1]]);
    at(1.5, echoReply(VM, CLIENT, 1));
    expect(events).toHaveLength(1);
    expect(m.size).toBe(0);
  });

  it('counts a reply stamped exactly at the timeout as late: the timer fires before the frame', () => {
    const { events, at } = matcher({ responseTimeoutS: 1 });
    at(0, echoRequest(CLIENT, VM, 1));
    at(1, echoReply(VM, CLIENT, 1));
    expect(events).toEqual([['unanswered', 'icmp', 0, 1]]);
  });

  it('keeps the first of two identical requests, and ignores requests to multicast and broadcast addresses', () => {
    const { m, events, at } = matcher();
    at(0, echoRequest(CLIENT, VM, 1));
    at(0.5, echoRequest(CLIENT, VM, 1));
    at(0.6, echoReply(VM, CLIENT, 1));
    expect(events).toEqual([['answered', 'icmp', 0, 0.6, 0]]);
    for (const ip of ['224.0.0.1', '255.255.255.255', '239.1.2.3', '0.0.0.0']) at(1, echoRequest(CLIENT, { mac: 'ff:ff:ff:ff:ff:ff', ip }, 9));
    expect(m.size).toBe(0);
  });

  it('matches ICMPv6 echo by the full 16-byte addresses', () => {
    const { events, at } = matcher();
    at(0, echo6(CLIENT6, VM6, 128, 7));
    at(0.1, echo6({ mac: VM6.mac, ip6: '2001:db8::b' }, CLIENT6, 129, 7));
    at(0.2, echo6(VM6, CLIENT6, 129, 7));
    expect(events).toEqual([['answered', 'icmp', 0, 0.2, 0]]);
  });
});

describe('ResponseMatcher: TCP', () => {
  it('takes a SYN-ACK or a RST from the server port to the client port as the answer', () => {
    const { events, at, tick } = matcher();
    at(0, syn(CLIENT, VM, 40000, 22));
    at(0.1, synAck(VM, CLIENT, 22, 40001)); // another attempt
    at(0.2, synAck(VM, CLIENT, 22, 40000));
    at(1, syn(CLIENT, VM, 40002, 23));
    at(1.1, rst(VM, CLIENT, 23, 40002));
    at(2, syn(CLIENT, VM, 40003, 80));
    at(2.1, tcp(VM, CLIENT, 80, 40003, 0x10)); // a bare ACK answers nothing
    tick(3);
    expect(events).toEqual([
      ['answered', 'tcp', 0, 0.2, 0],
      ['answered', 'tcp', 1, 1.1, 0],
      ['unanswered', 'tcp', 2, 3],
    ]);
  });

  it('treats a SYN again on the same four-tuple as a retransmission: the transmission before it is unanswered, the answer is to the latest', () => {
    const { events, at } = matcher({ responseTimeoutS: 1 });
    at(0, syn(CLIENT, VM, 40000, 22));
    at(0.9, syn(CLIENT, VM, 40000, 22)); // before the timeout: the client gave up on the first
    at(2.5, syn(CLIENT, VM, 40000, 22)); // after it: already reported, waiting in LOST
    at(2.6, synAck(VM, CLIENT, 22, 40000));
    expect(events).toEqual([
      ['unanswered', 'tcp', 0, 0.9],
      ['retransmitted', 'tcp', 0.9],
      ['unanswered', 'tcp', 0.9, 1.9],
      ['retransmitted', 'tcp', 2.5],
      ['answered', 'tcp', 2.5, 2.6, 2],
    ]);
  });

  it(`keeps an attempt whose SYN was lost for ${SYN_LINGER_S} s after its last SYN, and ignores a SYN-ACK to a transmission already lost`, () => {
    const { m, events, at, tick } = matcher();
    at(0, syn(CLIENT, VM, 40000, 22));
    at(1.5, synAck(VM, CLIENT, 22, 40000));
    expect(events).toEqual([['unanswered', 'tcp', 0, 1]]);
    expect(m.size).toBe(0);
    at(2, syn(CLIENT, VM, 40001, 22));
    tick(2 + SYN_LINGER_S - 0.001);
    expect(m.size).toBe(1);
    tick(2 + SYN_LINGER_S);
    expect(m.size).toBe(0);
  });
});

describe('ResponseMatcher: UDP', () => {
  it('takes any datagram back from the server port to the client port as the answer to the newest datagram', () => {
    const { m, events, at } = matcher();
    at(0, udp(CLIENT, VM, 5000, 53));
    at(0.1, udp(CLIENT, VM, 5000, 53));
    at(0.2, udp(VM, CLIENT, 53, 5001)); // another client port: a request of its own, VM -> CLIENT:5001
    at(0.3, udp(VM, CLIENT, 53, 5000));
    expect(events).toEqual([['answered', 'udp', 0.1, 0.3, 0]]);
    expect(m.size).toBe(1);
  });

  it('reports each unanswered datagram of a one-way stream at its own timeout', () => {
    const { events, at, tick } = matcher();
    at(0, udp(CLIENT, VM, 514, 514));
    at(0.4, udp(CLIENT, VM, 514, 514));
    at(0.5, udp(CLIENT, VM, 514, 514));
    tick(3);
    expect(events).toEqual([
      ['unanswered', 'udp', 0, 1],
      ['unanswered', 'udp', 0.4, 1.4],
      ['unanswered', 'udp', 0.5, 1.5],
    ]);
  });

  it(`reports the oldest of more than ${UDP_RING} unanswered datagrams at once, when the next one goes out`, () => {
    const { events, at } = matcher({ responseTimeoutS: 10 });
    for (let i = 0; i <= UDP_RING; i++) at(i * 0.1, udp(CLIENT, VM, 5000, 7));
    expect(events).toEqual([['unanswered', 'udp', 0, UDP_RING * 0.1]]);
  });
});

describe('ResponseMatcher: bounded memory', () => {
  it('holds a flood of 1M unanswered echo requests to random hosts in a table of its cap, counting what it evicted', () => {
    const cap = 1000;
    const { m, clock, alerts } = matcher({ maxRequests: cap });
    const d = new DecodedFrame();
    // Facts in place, no bytes: one echo request per microsecond, so that none times out.
    d.ipVersion = 4;
    d.ip4Src = 0xc6336414;
    d.l4 = L4.ICMP;
    d.icmpType = 8;
    d.icmpEchoId = 1;
    let x = 12345;
    for (let i = 0; i < 1_000_000; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      d.ip4Dst = x % 0xe0000000; // unicast
      d.icmpEchoSeq = i & 0xffff;
      clock.advance(T0 + i * 1e-6);
      m.onFrame(d);
    }
    expect(m.size).toBe(cap);
    expect(m.pooled).toBe(cap);
    expect(clock.timers.size).toBeLessThanOrEqual(cap);
    expect(m.evicted).toBe(1_000_000 - cap);
    expect(alerts.map((a) => [a.kind, 'table' in a ? a.table : '', 'limit' in a ? a.limit : 0])).toEqual([['table-full', 'requests', cap]]);
    clock.tick(T0 + 10);
    expect(m.size).toBe(0);
    expect(clock.timers.size).toBe(0);
  });

  it('evicts the least recently used entry: a retransmitted SYN stays, the oldest echo request goes', () => {
    const { m, events, at } = matcher({ maxRequests: 2, responseTimeoutS: 5 });
    at(0, syn(CLIENT, VM, 40000, 22));
    at(0.1, echoRequest(CLIENT, VM, 1));
    at(0.2, syn(CLIENT, VM, 40000, 22)); // touched: now the newest
    at(0.3, echoRequest(CLIENT, VM, 2)); // full: the echo request of 0.1 goes
    expect(m.evicted).toBe(1);
    at(0.4, echoReply(VM, CLIENT, 1));
    at(0.5, synAck(VM, CLIENT, 22, 40000));
    expect(events.filter((e) => e[0] === 'answered')).toEqual([['answered', 'tcp', 0.2, 0.5, 1]]);
  });
});
