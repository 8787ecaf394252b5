// NDJSON records: fixed fields first, durations rounded to the microsecond, undefined fields absent; the summary written in pieces.

import { describe, expect, it } from 'vitest';
import type { ArpGapWarningAlert } from '../../src/detect/alerts';
import { alertLine, summaryPieces, summaryRecord } from '../../src/output/ndjson';
import type { FactEngine } from '../detect/facts';
import { arp, engine, GUEST, GUEST_IP } from '../detect/facts';

it('writes type, ts, time, severity, kind, mac first and message, advice last, with µs-rounded durations', () => {
  const alert: ArpGapWarningAlert = {
    ts: 1763798642.192,
    severity: 'warning',
    kind: 'arp-gap-warning',
    mac: '00:15:5d:01:00:10',
    gap_s: 240.00000000001,
    last_arp_ts: 1763798402.192,
    threshold_s: 300,
    frames_since_arp: 33,
    cause: 'long-arp-cache',
  };
  const record = JSON.parse(alertLine(alert)) as Record<string, unknown>;
  expect(Object.keys(record)).toEqual([
    'type',
    'ts',
    'time',
    'severity',
    'kind',
    'mac',
    'gap_s',
    'last_arp_ts',
    'threshold_s',
    'frames_since_arp',
    'cause',
    'message',
    'advice',
  ]);
  expect(record).toMatchObject({ type: 'alert', time: '2025-11-22T08:04:02.192Z', gap_s: 240, threshold_s: 300 });
});

describe('summaryPieces', () => {
  /** An engine that saw an ARP from each of `n` stations, one a second. */
  function engineWith(n: number): FactEngine {
    const { engine: e } = engine();
    for (let i = 0; i < n; i++) e.handleDecoded(arp(GUEST + i, GUEST_IP + i, { vlan: i % 3 === 0 ? 7 : -1 }), 1_700_000_000 + i + 0.1234567);
    return e;
  }

  it('writes, piece by piece, exactly the text of the whole record, for no row, one piece of rows and many', () => {
    for (const n of [0, 1, 256, 257, 1000]) {
      const e = engineWith(n);
      const summary = e.finish();
      const extra = { capture: [{ name: 'eth0', frames: n }] };
      const pieces = [...summaryPieces(e.summaryHead(), e.stationRows(), extra)];
      expect(pieces.join(''), `${n} stations`).toBe(JSON.stringify({ ...summaryRecord(summary), ...extra }));
      expect(pieces.join('')).toBe([...summaryPieces(e.summaryHead(), summary.stations, extra)].join(''));
      expect(pieces.length, `${n} stations`).toBe(Math.floor(n / 256) + 1);
      expect([...summaryPieces(e.summaryHead(), e.stationRows())].join('')).toBe(JSON.stringify(summaryRecord(summary)));
    }
  });
});
