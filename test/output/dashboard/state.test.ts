// The dashboard's state: the alert log's bounds and scrolling, what each station's detail view says, sort toggling.

import { describe, expect, it } from 'vitest';
import type { Alert, ArpGapExpiredAlert, ArpGapRecoveredAlert } from '../../../src/detect/alerts';
import { ALERT_LOG_MAX, DashboardState } from '../../../src/output/dashboard/state';

const MAC = '00:15:5d:01:00:10';
const expired: ArpGapExpiredAlert = {
  ts: 1763798710.82,
  severity: 'critical',
  kind: 'arp-gap-expired',
  mac: MAC,
  gap_s: 308.6,
  last_arp_ts: 1763798402.2,
  threshold_s: 300,
  frames_since_arp: 42,
  cause: 'long-arp-cache',
};
const recovered: ArpGapRecoveredAlert = { ...expired, ts: expired.ts + 10, severity: 'info', kind: 'arp-gap-recovered', past_threshold_s: 0, expired: false };
const tableFull: Alert = { ts: 1, severity: 'warning', kind: 'table-full', table: 'stations', limit: 4 };

describe('the alert log', () => {
  it('counts alerts by severity and keeps each with its sanitized text line', () => {
    const s = new DashboardState();
    s.onAlert(expired);
    s.onAlert(tableFull);
    expect(s.counts).toStrictEqual({ info: 0, warning: 1, critical: 1 });
    expect(s.log[0]!.line).toMatch(/^2025-11-22T08:05:10\.820Z CRIT arp-gap-expired 00:15:5d:01:00:10 /);
  });

  it('keeps between ALERT_LOG_MAX and twice that many alerts, dropping the oldest', () => {
    const s = new DashboardState();
    for (let i = 0; i < 2 * ALERT_LOG_MAX + 1; i++) s.onAlert({ ...tableFull, ts: i });
    expect(s.log).toHaveLength(ALERT_LOG_MAX);
    expect(s.log.at(-1)!.alert.ts).toBe(2 * ALERT_LOG_MAX);
    expect(s.counts.warning).toBe(2 * ALERT_LOG_MAX + 1);
  });

  it('scrolls back no further than the oldest alert, and holds still while new alerts arrive when scrolled back or paused', () => {
    const s = new DashboardState();
    for (let i = 0; i < 10; i++) s.onAlert({ ...tableFull, ts: i });
    s.scrollLog(100, 4);
    expect(s.logBack).toBe(6);
    s.scrollLog(-2, 4);
    expect(s.logBack).toBe(4);
    s.onAlert(tableFull);
    expect(s.logBack).toBe(5);
    s.logBack = 0;
    s.onAlert(tableFull);
    expect(s.logBack).toBe(0);
    s.paused = true;
    s.onAlert(tableFull);
    expect(s.logBack).toBe(1);
  });
});

it("remembers each station's latest alert, and the last advice it was given even after a recovery that needs none", () => {
  const s = new DashboardState();
  s.onAlert(expired);
  s.onAlert(recovered);
  const d = s.diagnoses.get(MAC)!;
  expect(d.alert).toBe(recovered);
  expect(d.message).toMatch(/sent ARP again after 308\.6 s/);
  expect(d.advice).toMatch(/ArpCacheMinReferencedLife/);
  expect(s.diagnoses.size).toBe(1);
});

it('sorts by a new key ascending its natural way, and reverses on the same key', () => {
  const s = new DashboardState();
  expect([s.sort, s.reverse]).toStrictEqual(['age', false]);
  s.sortBy('age');
  expect([s.sort, s.reverse]).toStrictEqual(['age', true]);
  s.sortBy('mac');
  expect([s.sort, s.reverse]).toStrictEqual(['mac', false]);
});
