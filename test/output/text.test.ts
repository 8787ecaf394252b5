// Tail-style alert lines: fixed columns first, then key=value facts, then the message.

import { expect, it } from 'vitest';
import type { ArpGapExpiredAlert } from '../../src/detect/alerts';
import { alertText } from '../../src/output/text';

const alert: ArpGapExpiredAlert = {
  ts: 1763798710.82,
  severity: 'critical',
  kind: 'arp-gap-expired',
  mac: '00:15:5d:01:00:10',
  ip: '198.51.100.10',
  vlan: 42,
  gap_s: 308.6,
  last_arp_ts: 1763798402.2,
  threshold_s: 300,
  frames_since_arp: 42,
  cause: 'tcp-syn-refresh',
  syn_peer: '192.0.2.20',
  syn_interval_s: 39.94,
};

it('renders one line: time, CRIT, kind, MAC, IP, VLAN, facts with units, then the sentence', () => {
  const line = alertText(alert);
  expect(line).not.toContain('\n');
  expect(line).toMatch(
    /^2025-11-22T08:05:10\.820Z CRIT arp-gap-expired 00:15:5d:01:00:10 198\.51\.100\.10 vlan=42 gap=308\.6s frames_since_arp=42 cause=tcp-syn-refresh syn_peer=192\.0\.2\.20 syn_interval=39\.9s: 00:15:5d:01:00:10 \(198\.51\.100\.10\) on VLAN 42 sent a frame/,
  );
});
