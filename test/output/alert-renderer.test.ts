// The one alert renderer of `read`, `live` and the dashboard: each alert's line, and the advice kept per station for the summary.

import { describe, expect, it } from 'vitest';
import type { ArpGapExpiredAlert, CaptureIdleAlert, InboundBlackoutAlert } from '../../src/detect/alerts';
import { AlertRenderer, renderAlert, stationAdvice } from '../../src/output/alert-renderer';
import { describe as describeAlert, QUARANTINE_ADVICE } from '../../src/output/describe';
import { alertLine } from '../../src/output/ndjson';
import { alertText } from '../../src/output/text';

const MAC = '00:15:5d:05:00:0a';

const expired: ArpGapExpiredAlert = {
  ts: 1763798710.82,
  severity: 'critical',
  kind: 'arp-gap-expired',
  mac: MAC,
  ip: '198.51.100.10',
  gap_s: 308.6,
  last_arp_ts: 1763798402.2,
  threshold_s: 300,
  frames_since_arp: 42,
  cause: 'long-arp-cache',
};

/** The same guest, migrated later: a blackout of the interface quarantine, about the same MAC. */
const blackout: InboundBlackoutAlert = {
  ts: 1763798800,
  severity: 'critical',
  kind: 'inbound-blackout',
  mac: MAC,
  ip: '198.51.100.10',
  start_ts: 1763798792,
  duration_s: 7.04,
  lost: { icmp: 35, udp: 14, tcp_syn: 9 },
  syn_retransmissions: 6,
  tcp_through_on_retry: 2,
  marker: 'gratuitous-arp',
  marker_offset_s: -0.1,
  cause: 'interface-quarantine',
};

const idle: CaptureIdleAlert = { ts: 1763798900, severity: 'warning', kind: 'capture-idle', interface: 'eth0', idle_s: 60 };

describe('renderAlert', () => {
  it('gives the tail-style text line or the NDJSON object, the same as the line formats themselves', () => {
    for (const alert of [expired, blackout, idle]) {
      expect(renderAlert(alert, 'text')).toBe(alertText(alert));
      expect(renderAlert(alert, 'ndjson')).toBe(alertLine(alert));
    }
  });
});

describe('stationAdvice', () => {
  it("gives an ARP-gap alert's advice, and none for a blackout (its fix is about the host) or a capture alert", () => {
    expect(stationAdvice(expired)).toBe(describeAlert(expired).advice);
    expect(stationAdvice(expired)).toContain('ArpCacheMinReferencedLife');
    expect(describeAlert(blackout).advice).toBe(QUARANTINE_ADVICE);
    expect(stationAdvice(blackout)).toBe('');
    expect(stationAdvice(idle)).toBe('');
  });
});

describe('AlertRenderer', () => {
  it("keeps a station's ARP advice when a blackout of the same MAC follows: the quarantine fix is not put under its ARP-gap row", () => {
    const text = new AlertRenderer('text');
    expect(text.line(expired)).toBe(alertText(expired));
    expect(text.line(blackout)).toBe(alertText(blackout));
    expect([...text.advice]).toStrictEqual([[MAC, stationAdvice(expired)]]);
  });

  it('notes advice without rendering for the dashboard, the same as the lines would', () => {
    const lines = new AlertRenderer('text');
    const noted = new AlertRenderer('text');
    for (const alert of [blackout, expired, idle]) {
      lines.line(alert);
      noted.note(alert);
    }
    expect([...noted.advice]).toStrictEqual([...lines.advice]);
  });

  it('keeps no advice in NDJSON, whose summary has no advice section', () => {
    const ndjson = new AlertRenderer('ndjson');
    expect(ndjson.line(expired)).toBe(alertLine(expired));
    expect(ndjson.advice.size).toBe(0);
  });
});
