// What `--filter` becomes: the user's expression or every ARP/RARP frame, tagged or not (checked with tcpdump's libpcap).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { combineFilter, DETECTOR_FILTER } from '../../../src/capture/live/filter';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures');
const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;

/** Frames of a capture file that a filter keeps, as tcpdump's libpcap counts them (tags in line, as Npcap gives them). */
function kept(file: string, filter: string): number {
  const r = spawnSync('tcpdump', ['-nn', '-r', join(FIXTURES, file), filter], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '').length;
}

describe('combineFilter', () => {
  it('captures everything when no filter is given', () => {
    expect(combineFilter('')).toBe('');
    expect(combineFilter('  ')).toBe('');
  });

  it("puts the user's expression last, in parentheses, so that its `vlan` cannot shift ours", () => {
    expect(combineFilter('vlan and udp')).toBe(`${DETECTOR_FILTER} or (vlan and udp)`);
  });

  it.skipIf(!hasTcpdump)('keeps every ARP frame, 802.1Q-tagged ones included, whatever the filter drops', () => {
    // vlan-tagged.pcap: 29 ARP frames (13 untagged, 16 on VLAN 42) among 127.
    expect(kept('vlan-tagged.pcap', 'arp or (vlan and arp)')).toBe(29);
    expect(kept('vlan-tagged.pcap', combineFilter('icmp'))).toBe(29);
    expect(kept('vlan-tagged.pcap', combineFilter('vlan and udp'))).toBe(127);
    // hyperv-mix holds RARP too (the migration's announcements), which the detectors keep as well.
    expect(kept('hyperv-mix.pcap', combineFilter('host 192.0.2.200'))).toBe(
      kept('hyperv-mix.pcap', 'arp or rarp or (vlan and (arp or rarp)) or host 192.0.2.200'),
    );
  });

  it.skipIf(!hasTcpdump)('compiles for the link types a live device may have', () => {
    for (const linkType of ['EN10MB', 'LINUX_SLL', 'LINUX_SLL2']) {
      const r = spawnSync('tcpdump', ['-d', '-y', linkType, '-r', join(FIXTURES, 'xp-600s.pcap'), combineFilter('tcp')], { encoding: 'utf8' });
      expect(r.status, `${linkType}: ${r.stderr}`).toBe(0);
    }
  });
});
