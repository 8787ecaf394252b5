// Renders the end-of-run summary as a text table, stations in trouble first, then what to change.

import type { CaptureSummary, LossMethod } from '../detect/capture-health';
import type { BlackoutSummary, OutageSummary, Summary, StationSummary } from '../detect/summary';
import { WHAT_IF_HOLDS_S } from '../detect/summary';
import { blackoutAdvice } from './describe';
import { isoTime } from './iso-time';
import { sanitize } from './sanitize';
import { vendorOf } from './vendor';

/** Advice per station MAC, from the most recent alert about it that had some. */
export type AdviceBook = ReadonlyMap<string, string>;

const COLUMNS = [
  ['MAC', 17],
  ['VENDOR', 20],
  ['VLAN', 5],
  ['IP', 18],
  ['ARPS', 5],
  ['FRAMES', 7],
  ['MAX GAP', 8],
  ['ARP AGE', 8],
  ['STATUS', 0],
] as const;

function cell(text: string, width: number, right: boolean): string {
  if (width === 0) return text;
  const t = text.length > width ? text.slice(0, width - 1) + '~' : text;
  return right ? t.padStart(width) : t.padEnd(width);
}

function row(values: string[]): string {
  return values
    .map((v, i) => {
      const [name, width] = COLUMNS[i]!;
      return cell(v, width, name === 'ARPS' || name === 'FRAMES' || name === 'MAX GAP' || name === 'ARP AGE');
    })
    .join('  ')
    .trimEnd();
}

function seconds(s: number | null): string {
  return s === null || !Number.isFinite(s) ? '-' : `${s.toFixed(1)}s`;
}

/** What a person should take from the station's state, in a few words. */
function status(st: StationSummary): string {
  const counts: string[] = [];
  if (st.expiries > 0) counts.push(`${st.expiries} expir${st.expiries === 1 ? 'y' : 'ies'}`);
  if (st.warnings > 0) counts.push(`${st.warnings} warning${st.warnings === 1 ? '' : 's'}`);
  const cause = st.cause !== null ? ` [${st.cause}]` : '';
  return counts.length > 0 ? `${st.status} (${counts.join(', ')})${cause}` : st.status;
}

/**
 * Stations in trouble first, so the table answers "who?" at a glance: at risk now, then lost
 * traffic earlier, then warned, then silent, then fine; within a rank, the oldest ARP first.
 */
function trouble(st: StationSummary): number {
  if (st.status === 'expired') return 0;
  if (st.status === 'warning') return 1;
  if (st.expiries > 0) return 2;
  if (st.warnings > 0) return 3;
  return st.status === 'silent' ? 4 : 5;
}

function byTrouble(a: StationSummary, b: StationSummary): number {
  return trouble(a) - trouble(b) || b.arp_age_s - a.arp_age_s;
}

function stationRow(st: StationSummary): string {
  const ips = st.ips.length > 1 ? `${st.ips[0]}+${st.ips.length - 1}` : (st.ips[0] ?? '-');
  return row([
    st.mac,
    vendorOf(st.mac) || '-',
    st.vlans.length > 0 ? st.vlans.join(',') : '-',
    ips,
    String(st.arp_sent),
    String(st.frames),
    seconds(st.max_arp_gap_s),
    seconds(st.arp_age_s),
    status(st),
  ]);
}

/** How an interface's loss is measured, in words (also the `listening on` line of `netgap live`). */
export const LOSS_METHOD_TEXT: Readonly<Record<LossMethod, string>> = {
  'pcap-stats': "loss counted by the kernel (libpcap's statistics, from dumpcap)",
  'kernel-counters': 'loss measured against the kernel counters',
  'not-measured-filter': 'loss not measured (with --filter, the kernel counters include what the filter rejects)',
  'not-measured-no-counters': 'loss not measured (no interface counters for this device)',
};

/** The live capture's lines of the totals: one per interface. */
function captureLines(capture: CaptureSummary): string[] {
  return capture.interfaces.map((s, i) => {
    const head = i === 0 ? '  capture:  ' : '            ';
    const loss =
      s.packets_lost === null || s.packets_counted === null
        ? LOSS_METHOD_TEXT[s.loss_method]
        : `${s.packets_lost} lost of ${s.packets_counted} packets the kernel counted${s.oversize > 0 ? ` (estimate: ${s.oversize} offload-merged frames)` : ''}`;
    const restarts = s.restarts > 0 ? `, reopened ${s.restarts} time(s)` : '';
    return `${head}${s.name}: ${s.frames} frames, ${loss}${restarts}`;
  });
}

/**
 * The summary lines: totals (with the live capture's, when given), the station table, then advice
 * for the stations that need it.
 */
export function summaryText(s: Summary, advice: AdviceBook, capture?: CaptureSummary): string[] {
  const lines = ['', `netgap summary: ${s.packets} packets`];
  if (s.first_ts !== null && s.end_ts !== null) {
    lines.push(`  time:     ${isoTime(s.first_ts)} .. ${isoTime(s.end_ts)} (${(s.end_ts - s.first_ts).toFixed(1)} s)`);
  }
  lines.push(`  alerts:   ${s.alerts.critical} critical, ${s.alerts.warning} warning, ${s.alerts.info} info`);
  if (capture !== undefined) lines.push(...captureLines(capture));
  const problems = Object.entries(s.reasons)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r} ${n}`);
  lines.push(
    `  skipped:  ${s.malformed} malformed, ${s.truncated} cut by snaplen, ${s.unsupported_link} of an unsupported link type` +
      (problems.length > 0 ? ` (${problems.join(', ')})` : ''),
  );
  if (s.duplicates > 0 || s.verdict_drops > 0) {
    lines.push(
      `  copies:   ${s.duplicates} copies of a packet already analysed (same pcapng packet id), ${s.verdict_drops} packets marked dropped: not analysed`,
    );
  }
  if (s.interfaces !== undefined) lines.push(`  interfaces: ${s.interfaces.map((i) => `${sanitize(i.name)} (${i.frames} frames)`).join(', ')}`);
  if (s.ts_backwards > 0) lines.push(`  clock:    ${s.ts_backwards} frames stamped earlier than the one before (handled at the later time)`);
  if (s.evicted.stations > 0) lines.push(`  evicted:  ${s.evicted.stations} stations (table full: raise --max-stations)`);
  const evicted = blackoutEvictions(s);
  if (evicted !== '') lines.push(`  evicted:  ${evicted}`);
  lines.push('');
  if (s.stations.length === 0) {
    lines.push('No station sent ARP: nothing to say about ARP refresh gaps.');
    lines.push(...blackoutLines(s.blackouts), ...outageLines(s.outages));
    return lines.map(sanitize);
  }
  const rows = [...s.stations].sort(byTrouble);
  lines.push(row(COLUMNS.map(([name]) => name)));
  for (const st of rows) lines.push(stationRow(st));
  // Advice is for stations that lost traffic or are about to: a station that only warned once and
  // then went quiet, or recovered in time, needs no change.
  const todo = rows.filter((st) => advice.has(st.mac) && (st.expiries > 0 || st.status === 'warning'));
  if (todo.length > 0) {
    lines.push('', 'What to change:');
    for (const st of todo) lines.push(`  ${st.mac}${st.ips[0] ? ` (${st.ips[0]})` : ''}: ${advice.get(st.mac)}`);
  }
  lines.push(...whatIfLines(s), ...blackoutLines(s.blackouts), ...outageLines(s.outages));
  return lines.map(sanitize);
}

/** Where each common hold time comes from. */
const HOLD_TEXT: Readonly<Record<number, string>> = {
  300: 'Hyper-V on a wireless vSwitch, Linux bridge and Open vSwitch default ageing, most switches',
  600: 'VMware NSX MAC learning',
};
/** Stations named per what-if line; the rest are counted. */
const WHAT_IF_NAMES = 6;

/** One line per common hold time and the threshold in force: which stations a bridge holding that long would have cut off. */
function whatIfLines(s: Summary): string[] {
  const holds = [...new Set([...WHAT_IF_HOLDS_S, s.arp_threshold_s])].sort((a, b) => a - b);
  const lines = ['', 'What if the bridge held a station for (cut off: it sent a frame later than that after its last ARP):'];
  for (const h of holds) {
    const where = [HOLD_TEXT[h], h === s.arp_threshold_s ? 'the --arp-threshold in force' : undefined].filter((x) => x !== undefined).join('; ');
    const cut = s.stations.filter((st) => st.max_talk_age_s !== null && st.max_talk_age_s > h).sort((a, b) => b.max_talk_age_s! - a.max_talk_age_s!);
    const names = cut.slice(0, WHAT_IF_NAMES).map((st) => `${st.mac} (${seconds(st.max_talk_age_s)})`);
    if (cut.length > WHAT_IF_NAMES) names.push(`${cut.length - WHAT_IF_NAMES} more`);
    const who = cut.length === 0 ? 'no station cut off' : `${cut.length} station${cut.length === 1 ? '' : 's'} cut off: ${names.join(', ')}`;
    lines.push(`  ${`${h} s`.padStart(7)} (${where}): ${who}`);
  }
  return lines;
}

/** Each network change's outage: when, how long, how much after the marker, what was lost. */
function outageLines(rows: readonly OutageSummary[]): string[] {
  if (rows.length === 0) return [];
  const ipWidth = Math.max(15, ...rows.map((o) => o.ip.length));
  const lines = ['', 'Network changes and their outages (LOST: echo requests/UDP datagrams/TCP SYNs):'];
  lines.push(
    [
      cell('IP', ipWidth, false),
      cell('MAC', 17, false),
      cell('CHANGE', 24, false),
      cell('MARKER', 14, false),
      cell('OUTAGE', 8, true),
      cell('AFTER', 8, true),
      cell('LOST', 12, false),
      'BLACKOUT',
    ].join('  '),
  );
  for (const o of rows) {
    lines.push(
      [
        cell(o.ip, ipWidth, false),
        cell(o.mac, 17, false),
        cell(isoTime(o.marker_ts), 24, false),
        cell(o.marker, 14, false),
        cell(`${o.outage_s.toFixed(1)}s`, 8, true),
        cell(`${o.after_marker_s.toFixed(1)}s`, 8, true),
        cell(`${o.lost.icmp}/${o.lost.udp}/${o.lost.tcp_syn}`, 12, false),
        o.inbound_blackout ? 'yes' : 'no',
      ].join('  '),
    );
  }
  return lines;
}

/** The blackout tables' evictions, in words; '' when none. */
function blackoutEvictions(s: Summary): string {
  const e = s.evicted;
  const parts: string[] = [];
  if (e.hosts > 0) parts.push(`${e.hosts} hosts (raise --max-hosts)`);
  if (e.requests > 0) parts.push(`${e.requests} requests waiting for an answer (raise --max-requests)`);
  if (e.announcers > 0) parts.push(`${e.announcers} announcing MACs (raise --max-hosts)`);
  if (e.addresses > 0) parts.push(`${e.addresses} ARP-claimed addresses (raise --max-hosts)`);
  if (e.blackouts > 0) parts.push(`${e.blackouts} old blackouts left out of this summary`);
  if (e.outages > 0) parts.push(`${e.outages} old network-change outages left out of this summary`);
  return parts.join(', ');
}

/** One blackout: where, when, how long, what was lost, and why. */
function blackoutRow(b: BlackoutSummary, ipWidth: number): string {
  const lost = `${b.lost.icmp}/${b.lost.udp}/${b.lost.tcp_syn}`;
  const marker =
    b.marker !== null && b.marker_offset_s !== null
      ? ` (${b.marker} ${Math.abs(b.marker_offset_s).toFixed(1)}s ${b.marker_offset_s < 0 ? 'before' : 'after'})`
      : '';
  return [
    cell(b.ip, ipWidth, false),
    cell(b.mac ?? '-', 17, false),
    cell(isoTime(b.start_ts), 24, false),
    cell(`${b.duration_s.toFixed(1)}s${b.open ? '+' : ''}`, 8, true),
    cell(lost, 12, false),
    `${b.open ? 'open (input ended inside it)' : b.cause}${marker}`,
  ]
    .join('  ')
    .trimEnd();
}

/** The blackouts section, then what to change for them; nothing when there were none. */
function blackoutLines(rows: readonly BlackoutSummary[]): string[] {
  if (rows.length === 0) return [];
  const ipWidth = Math.max(15, ...rows.map((b) => b.ip.length));
  const lines = ['', 'Inbound blackouts (LOST: echo requests/UDP datagrams/TCP SYNs):'];
  lines.push(
    [cell('IP', ipWidth, false), cell('MAC', 17, false), cell('START', 24, false), cell('DURATION', 8, true), cell('LOST', 12, false), 'CAUSE'].join('  '),
  );
  for (const b of rows) lines.push(blackoutRow(b, ipWidth));
  // Once per host and cause: a host that went through the quarantine ten times needs one fix.
  const todo = new Map<string, string>();
  for (const b of rows) {
    const advice = blackoutAdvice(b.cause);
    if (advice !== '') todo.set(b.ip, advice);
  }
  if (todo.size > 0) {
    lines.push('', 'What to change for the blackouts:');
    for (const [ip, advice] of todo) lines.push(`  ${ip}: ${advice}`);
  }
  return lines;
}
