// Messages and advice: what a person reads must follow from the alert's fields (KB2832644).

import { describe as group, expect, it } from 'vitest';
import type { ArpGapExpiredAlert, ArpGapRecoveredAlert, BoundedTable } from '../../src/detect/alerts';
import { describe, suggestedBaseReachableMs } from '../../src/output/describe';

const expired: ArpGapExpiredAlert = {
  ts: 1763798710.82,
  severity: 'critical',
  kind: 'arp-gap-expired',
  mac: '00:15:5d:01:00:10',
  ip: '198.51.100.10',
  gap_s: 308.6,
  last_arp_ts: 1763798402.2,
  threshold_s: 300,
  frames_since_arp: 42,
  cause: 'long-arp-cache',
};

group('describe', () => {
  it('names the station, the gap and the threshold in the message of an expiry', () => {
    const { message, advice } = describe(expired);
    expect(message).toContain('00:15:5d:01:00:10 (198.51.100.10)');
    expect(message).toContain('308.6 s');
    expect(message).toContain('300.0 s');
    expect(advice).toContain('ArpCacheMinReferencedLife');
    expect(advice).toContain('240');
  });

  it('says when netgap was not running during the gap, and that a warning or expiry counted from its restart', () => {
    expect(describe(expired).message).not.toContain('not running');
    const after = describe({ ...expired, gap_s: 701, unwatched_s: 200 }).message;
    expect(after).toContain('701.0 s after its last ARP');
    expect(after).toContain('netgap was not running for 200.0 s of this gap, when it may have ARPed unseen, so this counts from when it started again');
    const rec: ArpGapRecoveredAlert = { ...expired, kind: 'arp-gap-recovered', severity: 'info', past_threshold_s: 102, expired: false, unwatched_s: 140 };
    expect(describe(rec).message).toMatch(/netgap was not running for 140\.0 s of this gap, when it may have ARPed unseen\.$/);
  });

  it('advises stopping the SYNs or a netsh basereachabletime below the SYN interval for tcp-syn-refresh', () => {
    const { advice } = describe({
      ...expired,
      cause: 'tcp-syn-refresh',
      syn_peer: '192.0.2.20',
      syn_interval_s: 40,
      syn_peers: ['192.0.2.20:10051'],
      base_reachable_time_ms: 24000,
    });
    expect(advice).toContain('192.0.2.20:10051');
    expect(advice).toContain('netsh interface ipv4 set interface <idx> basereachabletime=24000');
    expect(advice).toContain('Set-NetIPInterface -InterfaceIndex <idx> -AddressFamily IPv4 -BaseReachableTimeMs 24000');
    expect(describe({ ...expired, cause: 'tcp-syn-refresh', syn_interval_s: 1 }).advice).not.toContain('netsh');
  });

  it('gives the registry fix only for a Windows XP/2003 cadence, the sysctl only for FreeBSD/macOS, and neither for unknown', () => {
    const xp = describe({ ...expired, cause: 'long-arp-cache', os_guess: 'windows-xp-2003', arp_interval_s: 601, arp_intervals_seen: 2 }).advice;
    expect(xp).toContain('reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters /v ArpCacheMinReferencedLife /t REG_DWORD /d 240 /f');
    const bsd = describe({ ...expired, cause: 'long-arp-cache', os_guess: 'freebsd-macos', arp_interval_s: 1201, arp_intervals_seen: 2 }).advice;
    expect(bsd).toContain('sysctl net.link.ether.inet.max_age=60');
    expect(bsd).toContain('/etc/sysctl.conf');
    const unknown = describe({ ...expired, cause: 'unknown', arp_interval_s: 75, arp_intervals_seen: 4 }).advice;
    expect(unknown).toContain('75.0 s');
    expect(unknown).not.toMatch(/ArpCache|sysctl|netsh/);
  });

  it('suggests a BaseReachableTime whose x1.5 lies below the SYN interval, in whole seconds', () => {
    for (const interval of [5, 20, 40, 44.9, 120]) {
      const ms = suggestedBaseReachableMs(interval);
      expect(ms % 1000).toBe(0);
      expect((ms / 1000) * 1.5).toBeLessThan(interval);
    }
  });

  it('gives advice on a recovery only when the gap expired', () => {
    const recovered: ArpGapRecoveredAlert = { ...expired, severity: 'info', kind: 'arp-gap-recovered', past_threshold_s: 925.5, expired: false };
    expect(describe(recovered).advice).toBe('');
    expect(describe(recovered).message).toContain('nothing was at risk');
    expect(describe({ ...recovered, expired: true }).advice).not.toBe('');
  });
});

group('describe table-full', () => {
  it('says what each table does when full: evicts, counts frames of interfaces past the cap, or stops tracking further VLANs', () => {
    const full = (table: BoundedTable, limit: number) => describe({ ts: 0, severity: 'warning', kind: 'table-full', table, limit });
    expect(full('stations', 16384).message).toContain('oldest entries are evicted');
    expect(full('stations', 16384).advice).toContain('--max-stations');
    expect(full('announcers', 16384).advice).toContain('--max-hosts');
    expect(full('interfaces', 1024).message).toBe(
      'An input described more than 1024 interfaces; the frames of those past the cap are counted under interface-over-cap, not analysed.',
    );
    expect(full('station-vlans', 4096).message).toContain('no longer tracked');
    expect(full('station-vlans', 4096).advice).toContain('--max-stations');
  });
});
