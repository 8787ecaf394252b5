// The blackout panel: ongoing blackouts count up on the packet clock, ended ones show duration and cause, newest first.

import { expect, it } from 'vitest';
import type { InboundBlackoutAlert, InboundBlackoutStartAlert } from '../../../src/detect/alerts';
import { blackoutLines, Blackouts, PAST_BLACKOUTS_MAX } from '../../../src/output/dashboard/blackouts';

const T = 1763798642; // 2025-11-22T08:04:02Z
const start: InboundBlackoutStartAlert = {
  ts: T + 1,
  severity: 'warning',
  kind: 'inbound-blackout-start',
  ip: '198.51.100.10',
  mac: '00:15:5d:01:00:10',
  start_ts: T,
  lost: { icmp: 3, udp: 0, tcp_syn: 1 },
  syn_retransmissions: 0,
  marker: 'gratuitous-arp',
  marker_offset_s: -0.4,
};
const end: InboundBlackoutAlert = {
  ...start,
  ts: T + 7.1,
  severity: 'critical',
  kind: 'inbound-blackout',
  duration_s: 7.1,
  lost: { icmp: 35, udp: 7, tcp_syn: 2 },
  tcp_through_on_retry: 2,
  cause: 'interface-quarantine',
};

/** Text without blessed tags. */
const plain = (lines: string[]): string[] => lines.map((l) => l.replace(/\{\/?[a-z-]+\}/g, ''));

it('says so when no blackout was seen', () => {
  expect(plain(blackoutLines(new Blackouts(), T, false, 80))).toStrictEqual(['No inbound blackout seen.']);
});

it('counts an ongoing blackout up on the packet clock, then shows it ended with its duration and cause', () => {
  const b = new Blackouts();
  b.onAlert(start);
  expect(plain(blackoutLines(b, T + 4.25, false, 80))).toStrictEqual([
    '▶ 198.51.100.10   08:04:02    4.3s ongoing  lost icmp 3, tcp syn 1  after gratuitous-arp',
  ]);
  expect(plain(blackoutLines(b, T + 6, false, 80))[0]).toContain('6.0s ongoing');
  expect(plain(blackoutLines(b, T + 6, true, 80))[0]).toContain('6.0s open at the end');
  b.onAlert(end);
  expect(b.ongoing.size).toBe(0);
  expect(plain(blackoutLines(b, T + 60, false, 80))).toStrictEqual([
    '  198.51.100.10   08:04:02    7.1s interface-quarantine  lost icmp 35, udp 7, tcp syn 2, 2 tcp through on retry',
  ]);
  expect(plain(blackoutLines(b, T + 60, false, 120))[0]).toMatch(/^ {2}198\.51\.100\.10 +00:15:5d:01:00:10 08:04:02/);
});

it('lists ongoing blackouts first, then past ones newest first, and keeps a bounded number of past ones', () => {
  const b = new Blackouts();
  for (let i = 0; i < PAST_BLACKOUTS_MAX + 5; i++) b.onAlert({ ...end, ip: `192.0.2.${i}`, cause: 'unknown' });
  b.onAlert({ ...start, ip: '2001:db8::7', vlan: 42 });
  const lines = plain(blackoutLines(b, T + 2, false, 80));
  expect(b.past).toHaveLength(PAST_BLACKOUTS_MAX);
  expect(lines[0]).toMatch(/^▶ 2001:db8::7 +vlan 42 08:04:02 +2\.0s ongoing/);
  expect(lines[1]).toMatch(/^ {2}192\.0\.2\.104 /);
  expect(lines.at(-1)).toMatch(/^ {2}192\.0\.2\.5 /);
});
