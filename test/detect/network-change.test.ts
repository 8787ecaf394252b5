// Network-change markers: which frames are markers, one alert per change of a known station, quiet periods, capture holes, the table cap.

import { describe, expect, it } from 'vitest';
import type { Alert, NetworkChangeAlert } from '../../src/detect/alerts';
import { MARKER_BURST_GAP_S } from '../../src/detect/network-change';
import { arp as arpFrame } from '../../fixtures/frames';
import {
  arpAnnouncement,
  arpGratuitous,
  arpProbe,
  arpReply,
  arpRequest,
  CLIENT,
  echoReply,
  echoRequest,
  ipv6UnsolicitedNa,
  network,
  rarp,
  T0,
  timeline,
  VM,
} from './traffic';

const changes = (alerts: Alert[]) => alerts.filter((a): a is NetworkChangeAlert => a.kind === 'network-change');

/** VM is known to netgap: it answered CLIENT's ARP request at t = 0. */
function knownVm(options = {}) {
  const net = network(options);
  net.send(0, arpRequest(CLIENT, VM.ip), arpReply(VM, CLIENT));
  return net;
}

describe('network-change markers', () => {
  it.each([
    ['a gratuitous ARP reply (RFC 5944)', arpGratuitous(VM), 'gratuitous-arp', VM.ip],
    ['an ARP announcement: a request with sender IP = target IP (RFC 5227)', arpAnnouncement(VM), 'gratuitous-arp', VM.ip],
    ['an ARP probe: sender IP 0.0.0.0 (RFC 5227)', arpProbe(VM), 'arp-probe', VM.ip],
    ['a RARP request reverse (RFC 903), as QEMU sends it', rarp(VM.mac), 'rarp', undefined],
    ['an unsolicited IPv6 neighbour advertisement (RFC 4861)', ipv6UnsolicitedNa({ mac: VM.mac, ip6: '2001:db8::a' }), 'unsolicited-na', '2001:db8::a'],
  ])('counts %s as a marker, with the MAC and the announced address', (_name, frame, marker, ip) => {
    const { alerts, send } = knownVm();
    send(10, frame);
    expect(changes(alerts)).toEqual([{ ts: T0 + 10, severity: 'info', kind: 'network-change', mac: VM.mac, marker, ...(ip !== undefined ? { ip } : {}) }]);
  });

  it('carries the VLAN of a tagged marker', () => {
    const { alerts, send } = knownVm();
    send(10, arpGratuitous({ ...VM, vlans: [42] }));
    expect(changes(alerts).map((a) => a.vlan)).toEqual([42]);
  });

  it.each([
    ['an ordinary ARP request', arpRequest(VM, CLIENT.ip)],
    ['an ARP reply', arpReply(VM, CLIENT)],
    ['a RARP reply (op 4)', Buffer.from(rarp(VM.mac).fill(4, 21, 22))],
    [
      'an ARP request from 0.0.0.0 for 0.0.0.0',
      arpFrame({ src: VM.mac, dst: 'ff:ff:ff:ff:ff:ff' }, { op: 1, sha: VM.mac, spa: '0.0.0.0', tha: '00:00:00:00:00:00', tpa: '0.0.0.0' }),
    ],
  ])('does not count %s', (_name, frame) => {
    const { alerts, send } = knownVm();
    send(10, frame);
    expect(changes(alerts)).toEqual([]);
  });

  it('does not count a solicited neighbour advertisement', () => {
    const { alerts, send } = knownVm();
    const na = ipv6UnsolicitedNa({ mac: VM.mac, ip6: '2001:db8::a' });
    na[14 + 40 + 4] = 0x60; // Solicited + Override
    send(10, na);
    expect(changes(alerts)).toEqual([]);
  });
});

describe('network-change alerts', () => {
  it('say nothing for the first burst of a station netgap did not know: a capture cannot tell a boot from a move', () => {
    const { alerts, send } = network();
    send(0, arpProbe(VM), arpProbe(VM));
    send(2, arpAnnouncement(VM));
    send(60, arpGratuitous(VM)); // a periodic refresh, 58 s later: the same change
    expect(changes(alerts)).toEqual([]);
  });

  it('count a station known from answering requests, though it never sent ARP', () => {
    const { alerts, send } = network();
    send(0, echoRequest(CLIENT, VM, 1), echoReply(VM, CLIENT, 1));
    send(5, arpGratuitous(VM));
    expect(timeline(alerts)).toEqual([['network-change', 5]]);
  });

  it('raise one alert for a burst and for a periodic refresh, another after a quiet of --announce-quiet', () => {
    const { alerts, send } = knownVm({ announceQuietS: 120 });
    send(10, arpGratuitous(VM));
    send(10 + MARKER_BURST_GAP_S, arpGratuitous(VM));
    for (let t = 70; t < 400; t += 60) send(t, arpGratuitous(VM)); // every 60 s: one long change
    send(309.999 + 120, arpGratuitous(VM)); // 119.999 s after the last: still the same
    send(429.999 + 120, rarp(VM.mac)); // exactly 120 s: a new change
    expect(timeline(alerts)).toEqual([
      ['network-change', 10],
      ['network-change', 549.999],
    ]);
  });

  it('do not take a quiet that holds a capture hole for a change: the announcements may be the missing frames', () => {
    // The clock calls a silence longer than --arp-threshold a capture hole.
    const { alerts, send } = knownVm({ announceQuietS: 120, arpThresholdS: 300, arpWarnS: 240 });
    send(10, arpGratuitous(VM));
    send(400, arpGratuitous(VM)); // nothing at all was captured in between: a hole of 390 s
    send(1000, echoRequest(CLIENT, VM, 1)); // another hole, of 600 s
    send(1200, arpGratuitous(VM)); // a quiet of 800 s that holds it: not evidence
    send(1330, echoRequest(CLIENT, VM, 2));
    send(1400, echoRequest(CLIENT, VM, 3));
    send(1455, arpGratuitous(VM)); // quiet of 255 s with traffic all along: a change
    expect(timeline(alerts).filter(([k]) => k === 'network-change')).toEqual([
      ['network-change', 10],
      ['network-change', 1455],
    ]);
  });

  it('evict the MAC that announced least recently when the announcer table is full, and say so once', () => {
    const { engine, alerts, send } = network({ maxHosts: 2 });
    for (let i = 0; i < 5; i++) send(i, arpGratuitous({ mac: `00:15:5d:05:01:0${i}`, ip: `198.51.100.${100 + i}` }));
    expect(alerts.filter((a) => a.kind === 'table-full' && a.table === 'announcers')).toEqual([
      { ts: T0 + 2, severity: 'warning', kind: 'table-full', table: 'announcers', limit: 2 },
    ]);
    expect(engine.finish().evicted.announcers).toBe(3);
  });
});
