// What the dashboard draws, as blessed-tagged lines: header, station table, blackouts, alert log, footer, help and detail views.

import type { ArpGapStatus } from '../../detect/arp-gap-entry';
import type { ArpGapCause } from '../../detect/alerts';
import type { Severity } from '../../detect/alerts';
import type { EngineOptions } from '../../detect/engine';
import { arpGapEvidence } from '../describe';
import { isoTime } from '../iso-time';
import { SEVERITY_TAG } from '../text';
import { ageBar, fit, intervalStrip, median, safe, shortCount, shortDuration, wrap } from './format';
import type { StationRow, StationText } from './rows';
import { SORTS } from './rows';
import type { DashboardState, Diagnosis } from './state';

/** The width everything is laid out for first; wider terminals give the extra to vendor, bar and state. */
export const MIN_WIDTH = 80;

/** Widths of the station table's columns. MAC, VLAN, ARPS, MED and MAX are fixed; numbers carry their left space. */
export interface Columns {
  vendor: number;
  ip: number;
  bar: number;
  state: number;
}

const MAC_W = 17;
/** Every cause (a new one fails to compile until listed here), for the state column's width. */
const CAUSES: Readonly<Record<ArpGapCause, null>> = { 'tcp-syn-refresh': null, 'long-arp-cache': null, unknown: null };
/** "expired 99x [tcp-syn-refresh]": the state, its expiries and the longest cause. */
const STATE_WITH_CAUSE = 'expired 99x ['.length + Math.max(...Object.keys(CAUSES).map((c) => c.length)) + 1;
const VLAN_W = 5;
const AGE_W = 4;
const NUM_W = 5;

/**
 * At 80 columns: MAC 17, vendor 7 ("Hyper-V"), IP 15, VLAN 5, age 4 + bar 5, ARPS, MED and MAX
 * 5 each, state 7, with single spaces: exactly 80. Extra width goes to the IP (for "+n"), then
 * the state until it holds its longest cause (the reason a row is red comes before decoration),
 * then the vendor, the bar, and the rest to the state.
 */
export function columns(width: number): Columns {
  let extra = width - MIN_WIDTH;
  const take = (most: number): number => {
    const n = Math.max(0, Math.min(extra, most));
    extra -= n;
    return n;
  };
  const ip = 15 + take(2);
  const state = 7 + take(STATE_WITH_CAUSE - 7);
  const vendor = 7 + take(13);
  const bar = 5 + take(15);
  return { vendor, ip, bar, state: state + extra };
}

export function stationHeading(c: Columns): string {
  return (
    `${fit('MAC', MAC_W)} ${fit('VENDOR', c.vendor)} ${fit('IP', c.ip)}${fit('VLAN', VLAN_W, 'right')} ` +
    `${fit('ARP AGE', AGE_W + 1 + c.bar)}${fit('ARPS', NUM_W, 'right')}${fit('MED', NUM_W, 'right')}${fit('MAX', NUM_W, 'right')} STATE`
  );
}

const HYPERV_VENDOR = 'Microsoft (Hyper-V)';

/** The vendor in `width` cells; Hyper-V's block keeps its name even at 7. */
function vendorCell(vendor: string, width: number): string {
  if (vendor === HYPERV_VENDOR && width < vendor.length) return fit('Hyper-V', width);
  return fit(vendor === '' ? '-' : vendor, width);
}

function ipCell(ips: readonly string[], width: number): string {
  if (ips.length === 0) return fit('-', width);
  const more = ips.length > 1 ? `+${ips.length - 1}` : '';
  return more !== '' && ips[0]!.length + more.length <= width ? fit(ips[0]! + more, width) : fit(ips[0]!, width);
}

const STATE_STYLE: Readonly<Record<ArpGapStatus, [string, string]>> = {
  ok: ['{green-fg}', '{/green-fg}'],
  warning: ['{yellow-fg}{bold}', '{/bold}{/yellow-fg}'],
  expired: ['{red-fg}{bold}', '{/bold}{/red-fg}'],
  silent: ['{gray-fg}', '{/gray-fg}'],
};

/** The state, then its expiries and cause when the column has room for them. */
function stateCell(row: StationRow, width: number): string {
  const g = row.gap;
  let text: string = g.status;
  const more: string[] = [];
  if (g.expiries > 0) more.push(`${g.expiries}x`);
  if (g.cause !== null && (g.status === 'warning' || g.status === 'expired' || g.expiries > 0)) more.push(`[${g.cause}]`);
  for (const m of more) if (text.length + 1 + m.length <= width) text += ` ${m}`;
  const [open, close] = STATE_STYLE[g.status];
  return `${open}${safe(fit(text, width).trimEnd())}${close}`;
}

/** One station row; `selected` draws it highlighted. */
export function stationLine(row: StationRow, text: StationText, c: Columns, opts: Readonly<EngineOptions>, selected: boolean): string {
  const st = row.station;
  const age = row.gap.arp_age_s;
  const line =
    `${safe(fit(text.mac, MAC_W))} ${safe(vendorCell(text.vendor, c.vendor))} ${safe(ipCell(text.ips, c.ip))}` +
    `${fit(text.vlans === '' ? '-' : text.vlans, VLAN_W, 'right')} ` +
    `${fit(shortDuration(age), AGE_W, 'right')} ${ageBar(age, opts.arpWarnS, opts.arpThresholdS, c.bar, row.gap.status === 'silent')}` +
    `${fit(shortCount(st.arpSent), NUM_W, 'right')}${fit(shortDuration(median(st.recentArpIntervals())), NUM_W, 'right')}` +
    `${fit(shortDuration(st.arpSent >= 2 ? st.maxArpGapS : null), NUM_W, 'right')} ${stateCell(row, c.state)}`;
  return selected ? `{blue-bg}${line}{/blue-bg}` : line;
}

/** What the header shows. */
export interface HeaderInfo {
  source: string;
  /** Packet clock, epoch seconds; -Infinity before the first frame. */
  clock: number;
  /** Frames handled per wall-clock second, null until measured. */
  rate: number | null;
  /** Frames the capture lost, null when the source cannot tell (files). */
  drops: number | null;
  counts: Readonly<Record<Severity, number>>;
  /** How the source runs ("x20", "live"), or PAUSED, ENDED, INPUT ERROR. */
  status: string;
}

function clockText(t: number, width: number): string {
  if (!Number.isFinite(t)) return '--:--:--';
  const iso = isoTime(t);
  return width >= 100 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : `${iso.slice(11, 19)}Z`;
}

function rateText(rate: number | null): string {
  if (rate === null) return '- pkt/s';
  if (rate < 10_000) return `${Math.round(rate)} pkt/s`;
  return rate < 999_500 ? `${(rate / 1000).toFixed(rate < 99_950 ? 1 : 0)}k pkt/s` : `${(rate / 1e6).toFixed(1)}M pkt/s`;
}

/**
 * `netgap SOURCE ... CLOCK  RATE  drops N  n CRIT n WARN n INFO  STATUS`: the facts at the right,
 * the source cut to fit. When even that is too wide (big counts at 80 columns), the name
 * `netgap`, an unknown drop count and the unit of the rate go, in that order.
 */
export function headerLine(h: HeaderInfo, width: number): string {
  const counts = [`${shortCount(h.counts.critical)} CRIT`, `${shortCount(h.counts.warning)} WARN`, `${shortCount(h.counts.info)} INFO`];
  const status = h.status !== '' ? `  ${h.status}` : '';
  let brand = 'netgap ';
  let drops = `drops ${h.drops === null ? '-' : shortCount(h.drops)}  `;
  let rate = rateText(h.rate);
  const room = (): number => width - brand.length - 2 - `${clockText(h.clock, width)}  ${rate}  ${drops}`.length - counts.join(' ').length - status.length;
  const MIN_NAME = 4;
  if (room() < MIN_NAME) brand = '';
  if (room() < MIN_NAME && h.drops === null) drops = '';
  if (room() < MIN_NAME) rate = rate.replace(' pkt/s', '/s');
  const crit = h.counts.critical > 0 ? `{red-fg}{bold}${counts[0]}{/bold}{/red-fg}` : counts[0];
  const warn = h.counts.warning > 0 ? `{yellow-fg}${counts[1]}{/yellow-fg}` : counts[1];
  return (
    `${brand !== '' ? '{bold}netgap{/bold} ' : ''}${safe(fit(h.source, Math.max(MIN_NAME, room())))}  ` +
    `${clockText(h.clock, width)}  ${rate}  ${drops}${crit} ${warn} ${counts[2]}${status !== '' ? `  {inverse}${safe(h.status)}{/inverse}` : ''}`
  );
}

const SEVERITY_STYLE: Readonly<Record<Severity, [string, string]>> = {
  critical: ['{red-fg}{bold}', '{/bold}{/red-fg}'],
  warning: ['{yellow-fg}', '{/yellow-fg}'],
  info: ['{cyan-fg}', '{/cyan-fg}'],
};

/** A log line: the packet time of day, then the alert's text line from its severity on, in the severity's colour. */
export function logLine(line: string, severity: Severity, ts: number): string {
  const time = isoTime(ts).slice(11, 19);
  const rest = line.slice(line.indexOf(' ') + 1);
  const tag = SEVERITY_TAG[severity];
  const [open, close] = SEVERITY_STYLE[severity];
  return `${time} ${open}${tag}${close}${safe(rest.slice(tag.length))}`;
}

/** How many rows each panel of the body gets: stations first, then the log, the blackouts least. */
export function layout(height: number, blackoutLines: number): { stations: number; blackouts: number; log: number } {
  // Four title rows: the stations' title and column headings, the blackouts' title, the log's title.
  const free = Math.max(0, height - 4);
  const blackouts = Math.max(1, Math.min(blackoutLines, Math.floor(free / 5)));
  const log = Math.max(2, Math.floor((free - blackouts) * 0.35));
  return { stations: Math.max(1, free - blackouts - log), blackouts, log };
}

function title(name: string, focused: boolean, rest: string): string {
  return `${focused ? '{inverse}' : ''}{bold} ${name} {/bold}${focused ? '{/inverse}' : ''} ${rest}`;
}

/** Everything the body needs from the dashboard for one frame. */
export interface BodyInput {
  state: DashboardState;
  rows: readonly StationRow[];
  /** Stations in the table before the filter. */
  total: number;
  text: (row: StationRow) => StationText;
  opts: Readonly<EngineOptions>;
  /** The blackout panel's lines (already tagged). */
  blackouts: readonly string[];
}

/** The body: station table, blackouts, alert log, in `height` rows of `width` columns. */
export function bodyLines(b: BodyInput, width: number, height: number): string[] {
  const s = b.state;
  const size = layout(height, b.blackouts.length);
  const c = columns(width);
  const lines: string[] = [];

  let index = s.selected === null ? 0 : b.rows.findIndex((r) => r.station.mac === s.selected);
  if (index < 0) index = 0;
  if (index < s.stationTop) s.stationTop = index;
  if (index >= s.stationTop + size.stations) s.stationTop = index - size.stations + 1;
  s.stationTop = Math.max(0, Math.min(s.stationTop, b.rows.length - size.stations));

  const order = `sort ${SORTS[s.sort].label}${s.reverse ? ' (reversed)' : ''}`;
  const filter = s.filter !== '' ? `  filter "${safe(s.filter)}"` : '';
  const shown = b.rows.length === b.total ? `${b.total}` : `${b.rows.length} of ${b.total}`;
  lines.push(title('STATIONS', s.focus === 'stations', `${shown}  ${order}${filter}`));
  lines.push(`{underline}${stationHeading(c)}{/underline}`);
  for (let i = 0; i < size.stations; i++) {
    const row = b.rows[s.stationTop + i];
    if (row !== undefined) lines.push(stationLine(row, b.text(row), c, b.opts, s.stationTop + i === index));
    else if (i === 0) lines.push(b.total === 0 ? '{gray-fg}No station has sent ARP yet.{/gray-fg}' : '{gray-fg}No station matches the filter.{/gray-fg}');
    else lines.push('');
  }

  const bk = s.blackouts;
  lines.push(title('BLACKOUTS', false, bk.size > 0 ? `${bk.ongoing.size} ongoing, ${bk.past.length} past` : ''));
  for (let i = 0; i < size.blackouts; i++) lines.push(b.blackouts[i] ?? '');

  const where = s.paused ? '{yellow-fg}paused{/yellow-fg}' : s.logBack > 0 ? `{yellow-fg}scrolled back ${s.logBack}: G goes live{/yellow-fg}` : 'live';
  lines.push(title('ALERTS', s.focus === 'log', `${s.log.length}  ${where}`));
  // An input error stays below the newest alerts, whole (wrapped), until the user quits.
  const error = s.error !== null ? wrap(`input stopped: ${s.error}`, width).map((l) => `{red-fg}{bold}${safe(l)}{/bold}{/red-fg}`) : [];
  const alertRows = Math.max(0, size.log - error.length);
  const end = s.log.length - s.logBack;
  for (let i = end - alertRows; i < end; i++) {
    const la = i >= 0 ? s.log[i] : undefined;
    lines.push(la !== undefined ? logLine(la.line, la.alert.severity, la.alert.ts) : '');
  }
  lines.push(...error.slice(0, size.log));
  return lines;
}

/** The footer: the filter being typed, or the keys. */
export function footerLine(s: DashboardState): string {
  if (s.editing !== null) return `{bold}/{/bold}${safe(s.editing)}_   Enter keeps it, Esc drops it`;
  if (s.overlay !== 'none') return 'Esc back  ↑↓ other station  ? help  q quit';
  return '↑↓ Enter detail  / filter  amicxs sort  Tab PgUp G log  p pause  ? help  q quit';
}

/** The help view (`?`): the panels and the keys, in lines of at most 78 characters. */
export function helpLines(opts: Readonly<EngineOptions>): string[] {
  const w = opts.arpWarnS;
  const t = opts.arpThresholdS;
  return [
    title('HELP', true, 'how far each station is from the ARP cliff (KB2832644)'),
    '{bold}STATIONS{/bold}  one row per ARP sender. ARP AGE: time since its last ARP, with a bar',
    `  that fills toward the ${t} s threshold: {green-fg}green{/green-fg} below ${w} s, {yellow-fg}yellow{/yellow-fg} up to ${t} s,`,
    `  {red-fg}red{/red-fg} past it. Hyper-V: Microsoft's 00:15:5d block. MED: median interval`,
    '  between its ARPs, MAX: the longest. STATE: ok; warning (talking, ARP old);',
    '  expired (sent past the threshold); silent (quiet since its ARP went old).',
    '{bold}BLACKOUTS{/bold} inbound blackouts: ongoing ones counting up, past ones with cause.',
    '{bold}ALERTS{/bold}    newest at the bottom. Header: source, packet clock, packets/s,',
    '  capture drops, alerts by severity.',
    '',
    '{bold}Keys{/bold}',
    '  ↑ ↓ k j      move the selection (the log, after Tab: scroll it)',
    '  Enter        the selected station in detail: its ARP intervals against the',
    '               threshold, its diagnosis and what to change',
    '  /            filter by MAC, vendor, IP, vlanN, state or cause',
    '  a m i c x s  sort by ARP age, MAC, IP, ARP count, max gap, state;',
    '               the same key again reverses the order',
    '  Tab          stations or alert log;  PgUp PgDn scroll the log;  G, End: live',
    '  p            pause (a replay stops; live goes on capturing, the screen holds)',
    '  ? Esc q      this help; back; quit (Ctrl-C too)',
  ];
}

/** `head` in bold then `text`, wrapped at `width` (at spaces, else after a path's separators), each line made safe. */
function boldLead(head: string, text: string, width: number): string[] {
  return wrap(head + text, width).map((l, i) => (i === 0 ? `{bold}${safe(head)}{/bold}${safe(l.slice(head.length))}` : safe(l)));
}

/** The detail view (Enter): the station's facts, its ARP intervals against the threshold, diagnosis and advice. */
export function detailLines(
  row: StationRow,
  text: StationText,
  diagnosis: Diagnosis | undefined,
  opts: Readonly<EngineOptions>,
  width: number,
  height: number,
): string[] {
  const st = row.station;
  const g = row.gap;
  const [open, close] = STATE_STYLE[g.status];
  const time = (ts: number): string => isoTime(ts).slice(11, 23);
  const lines = [
    title('STATION', true, `${safe(text.mac)}  ${safe(text.vendor || '-')}`),
    `IP ${safe(text.ips.join(', ') || '-')}   VLAN ${safe(text.vlans || '-')}   state ${open}${g.status}${close}   cause ${g.cause ?? '-'}`,
    `ARP age ${g.arp_age_s.toFixed(1)} s of ${opts.arpThresholdS} s ${ageBar(g.arp_age_s, opts.arpWarnS, opts.arpThresholdS, 20, g.status === 'silent')}   warnings ${g.warnings}   expiries ${g.expiries}`,
    `ARPs ${st.arpSent}   frames ${st.frames}   median interval ${shortDuration(median(st.recentArpIntervals()))}   ` +
      `max gap ${st.arpSent >= 2 && Number.isFinite(st.maxArpGapS) ? `${st.maxArpGapS.toFixed(1)} s` : '-'}`,
    `first ARP ${time(st.firstArpTs)}   last ARP ${time(st.lastArpTs)}   last frame ${time(st.lastSeenS)}` +
      (g.max_talk_age_s !== null ? `   talked up to ${g.max_talk_age_s.toFixed(1)} s after an ARP` : ''),
    '',
  ];
  let diagHead: string;
  let diagText: string;
  if (diagnosis !== undefined) {
    const a = diagnosis.alert;
    diagHead = 'Diagnosis';
    diagText = ` (latest alert: ${isoTime(a.ts).slice(11, 19)} ${SEVERITY_TAG[a.severity]} ${a.kind}): ${diagnosis.message}`;
  } else {
    const why =
      g.status === 'silent'
        ? `its last ARP is over ${opts.arpWarnS} s old, but it has sent nothing since: none of its traffic was at risk.`
        : `no ARP-gap alert: it has refreshed its ARP within the ${opts.arpWarnS} s warning age.`;
    diagHead = 'Diagnosis:';
    diagText = ` ${why}`;
  }
  const diag = boldLead(diagHead, diagText, width);
  const advice = boldLead('What to change:', ` ${diagnosis !== undefined && diagnosis.advice !== '' ? diagnosis.advice : 'nothing.'}`, width);
  const a = diagnosis?.alert;
  const evidence = a !== undefined && 'cause' in a && 'gap_s' in a ? boldLead('Evidence:', ` ${arpGapEvidence(a)}`, width) : [];
  // The chart gets what the text leaves: the diagnosis, the evidence and the advice are wrapped here, at the width.
  const textRows = diag.length + evidence.length + advice.length;
  const chartHeight = Math.max(3, Math.min(10, height - lines.length - textRows - 3));

  // The strip: recent intervals, then the gap still open, against the threshold line.
  const values = [...st.recentArpIntervals(), g.arp_age_s];
  const colWidth = Math.max(1, Math.min(3, Math.floor((width - 20) / values.length)));
  const strip = intervalStrip(values, opts.arpWarnS, opts.arpThresholdS, chartHeight, colWidth);
  lines.push(`ARP intervals, oldest first (${values.length - 1} kept); the last column is the gap still open:`);
  strip.rows.forEach((r, i) => {
    const label = i === 0 ? shortDuration(strip.topS) : i === strip.thresholdRow ? shortDuration(opts.arpThresholdS) : '';
    const mark = i === strip.thresholdRow ? ' threshold' : '';
    lines.push(`${label.padStart(5)} ┊${r}${mark}`);
  });
  lines.push(`    0 ╰${'╌'.repeat(values.length * colWidth)}`);
  lines.push(...diag, ...evidence, ...advice);
  return lines;
}
