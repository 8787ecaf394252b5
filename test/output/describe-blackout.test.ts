// What a person reads about network changes and blackouts: messages from the fields, the quarantine's fixes (KB4338822) as advice, and the summary's blackouts section.

import { describe as group, expect, it } from 'vitest';
import type { InboundBlackoutAlert, InboundBlackoutStartAlert, NetworkChangeAlert } from '../../src/detect/alerts';
import type { BlackoutSummary, Summary } from '../../src/detect/summary';
import { describe, lostText, QUARANTINE_ADVICE } from '../../src/output/describe';
import { summaryText } from '../../src/output/summary-text';

const START = 1763798400.25;
const quarantine: InboundBlackoutAlert = {
  ts: START + 8,
  severity: 'critical',
  kind: 'inbound-blackout',
  mac: '00:15:5d:05:00:0a',
  ip: '198.51.100.10',
  start_ts: START,
  duration_s: 7.04,
  lost: { icmp: 35, udp: 14, tcp_syn: 9 },
  syn_retransmissions: 6,
  tcp_through_on_retry: 2,
  marker: 'gratuitous-arp',
  marker_offset_s: -0.1,
  cause: 'interface-quarantine',
};

group('describe: blackouts and network changes', () => {
  it('names every fix of the quarantine in its advice: KB4338822 with the host key, the guest key, DHCP media sense', () => {
    const { message, advice } = describe(quarantine);
    expect(advice).toBe(QUARANTINE_ADVICE);
    for (const fix of [
      'KB4338822',
      'HKLM\\System\\CurrentControlSet\\Services\\VmsMp\\Parameters\\SendLmNetworkChangeIndication',
      'HKLM\\SYSTEM\\CurrentControlSet\\services\\SharedAccess\\Parameters\\FirewallPolicy\\IntfQuarantineEnabled',
      '`netsh interface ipv4 set global dhcpmediasense=disabled`',
    ]) {
      expect(advice).toContain(fix);
    }
    expect(message).toContain('00:15:5d:05:00:0a (198.51.100.10) answered no new request for 7.0 s from 2025-11-22T08:00:00.250Z');
    expect(message).toContain('35 echo requests, 14 UDP datagrams and 9 TCP SYNs unanswered');
    expect(message).toContain('a gratuitous ARP) 0.1 s before the blackout began');
  });

  it('gives no advice for a blackout of unknown cause, and says why it is not the quarantine', () => {
    const noMarker = describe({ ...quarantine, marker: undefined, marker_offset_s: undefined, cause: 'unknown' });
    expect(noMarker.advice).toBe('');
    expect(noMarker.message).toContain('No network change was seen in it or just before it');
    const short = describe({ ...quarantine, duration_s: 3, resumed_after_marker_s: 2.9, cause: 'unknown' });
    expect(short.message).toContain('answers resumed 2.9 s after it, not the 7 s of the interface quarantine');
  });

  it('says at the start what is lost so far, and what a marker near it would mean', () => {
    const start: InboundBlackoutStartAlert = {
      ts: START + 2,
      severity: 'warning',
      kind: 'inbound-blackout-start',
      ip: '2001:db8::a',
      start_ts: START,
      lost: { icmp: 6, udp: 0, tcp_syn: 1 },
      syn_retransmissions: 0,
      marker: 'unsolicited-na',
      marker_offset_s: 0.3,
    };
    const { message, advice } = describe(start);
    expect(message).toBe(
      "unknown station (2001:db8::a) has answered no new request since 2025-11-22T08:00:00.250Z (6 echo requests and 1 TCP SYN unanswered so far): its inbound traffic is being dropped. It announced a network change 0.3 s after the first lost request: if this lasts about 7 s, it is Windows Firewall's interface quarantine after a live migration.",
    );
    expect(advice).toBe('');
  });

  it('names the marker of a network change, with no advice', () => {
    const change: NetworkChangeAlert = { ts: START, severity: 'info', kind: 'network-change', mac: '52:54:00:12:34:56', marker: 'rarp', vlan: 42 };
    expect(describe(change)).toEqual({
      message:
        '52:54:00:12:34:56 on VLAN 42 announced itself with a RARP, which QEMU and VMware send for a guest they moved: a network change, such as a live migration, a reconnected link or a new address.',
      advice: '',
    });
  });

  it('points a full announcer table at --max-hosts, the option that sizes it', () => {
    expect(describe({ ts: START, severity: 'warning', kind: 'table-full', table: 'announcers', limit: 2 }).advice).toContain('--max-hosts');
    expect(describe({ ts: START, severity: 'warning', kind: 'table-full', table: 'requests', limit: 2 }).advice).toContain('--max-requests');
  });

  it('lists lost requests in words, only the protocols that lost any', () => {
    expect(lostText({ icmp: 1, udp: 0, tcp_syn: 0 })).toBe('1 echo request');
    expect(lostText({ icmp: 0, udp: 2, tcp_syn: 3 })).toBe('2 UDP datagrams and 3 TCP SYNs');
    expect(lostText({ icmp: 0, udp: 0, tcp_syn: 0 })).toBe('no request');
  });
});

function summary(blackouts: BlackoutSummary[], evicted: Partial<Summary['evicted']> = {}): Summary {
  return {
    packets: 10,
    malformed: 0,
    truncated: 0,
    unsupported_link: 0,
    reasons: {} as Summary['reasons'],
    first_ts: START,
    last_ts: START + 20,
    end_ts: START + 20,
    ts_backwards: 0,
    duplicates: 0,
    verdict_drops: 0,
    evicted: { stations: 0, hosts: 0, requests: 0, announcers: 0, blackouts: 0, outages: 0, addresses: 0, ...evicted },
    alerts: { info: 0, warning: 0, critical: 0 },
    arp_threshold_s: 300,
    stations: [],
    blackouts,
    outages: [],
  };
}

const row: BlackoutSummary = {
  ip: '198.51.100.10',
  mac: '00:15:5d:05:00:0a',
  start_ts: START,
  duration_s: 7.04,
  open: false,
  lost: { icmp: 35, udp: 14, tcp_syn: 9 },
  syn_retransmissions: 6,
  tcp_through_on_retry: 2,
  marker: 'gratuitous-arp',
  marker_offset_s: -0.1,
  resumed_after_marker_s: 7.1,
  cause: 'interface-quarantine',
};

group('summaryText: blackouts', () => {
  it('adds nothing when there was no blackout', () => {
    expect(summaryText(summary([]), new Map()).join('\n')).not.toContain('blackout');
  });

  it('lists each blackout, then the fix once per host', () => {
    const text = summaryText(
      summary([
        row,
        { ...row, start_ts: START + 60 },
        { ...row, ip: '198.51.100.11', start_ts: START + 90, duration_s: 2.5, marker: null, marker_offset_s: null, cause: 'unknown' },
      ]),
      new Map(),
    );
    const from = text.indexOf('Inbound blackouts (LOST: echo requests/UDP datagrams/TCP SYNs):');
    expect(text.slice(from + 1, from + 5)).toEqual([
      'IP               MAC                START                     DURATION  LOST          CAUSE',
      '198.51.100.10    00:15:5d:05:00:0a  2025-11-22T08:00:00.250Z      7.0s  35/14/9       interface-quarantine (gratuitous-arp 0.1s before)',
      '198.51.100.10    00:15:5d:05:00:0a  2025-11-22T08:01:00.250Z      7.0s  35/14/9       interface-quarantine (gratuitous-arp 0.1s before)',
      '198.51.100.11    00:15:5d:05:00:0a  2025-11-22T08:01:30.250Z      2.5s  35/14/9       unknown',
    ]);
    expect(text.slice(from + 5)).toEqual(['', 'What to change for the blackouts:', `  198.51.100.10: ${QUARANTINE_ADVICE}`]);
  });

  it('marks a blackout the input ended inside as open, and names the tables that evicted', () => {
    const text = summaryText(summary([{ ...row, open: true, cause: null, duration_s: 4.75 }], { requests: 5, announcers: 1 }), new Map());
    expect(text.find((l) => l.startsWith('198.51.100.10'))).toContain('4.8s+  35/14/9       open (input ended inside it) (gratuitous-arp 0.1s before)');
    expect(text).toContain('  evicted:  5 requests waiting for an answer (raise --max-requests), 1 announcing MACs (raise --max-hosts)');
    expect(text.join('\n')).not.toContain('What to change for the blackouts');
  });
});
