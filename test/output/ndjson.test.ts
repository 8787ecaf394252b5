// NDJSON records: fixed fields first, durations rounded to the microsecond, undefined fields absent.

import { expect, it } from 'vitest';
import type { ArpGapWarningAlert } from '../../src/detect/alerts';
import { alertLine } from '../../src/output/ndjson';

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
  expect(Object.keys(record)).toEqual(['type', 'ts', 'time', 'severity', 'kind', 'mac', 'gap_s', 'last_arp_ts', 'threshold_s', 'frames_since_arp', 'cause', 'message', 'advice']);
  expect(record).toMatchObject({ type: 'alert', time: '2025-11-22T08:04:02.192Z', gap_s: 240, threshold_s: 300 });
});
