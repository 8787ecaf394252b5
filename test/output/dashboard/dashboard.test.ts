// The dashboard drawn into a headless blessed screen: what a person sees for the fixtures, and what the keys do.

import { Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../../src/capture/input-error';
import type { Alert, InboundBlackoutAlert, InboundBlackoutStartAlert } from '../../../src/detect/alerts';
import type { AnalysisEvent } from '../../../src/pipeline';
import { arp, FactEngine, GUEST, GUEST_IP, udp } from '../../detect/facts';
import { runDashboard } from '../../../src/output/dashboard/dashboard';
import { COLOUR, fixtureAnalysis, Harness, HeadlessTerminal, KEY, T0 } from './harness';

const XP = '00:15:5d:01:00:10';
const VLAN_XP = '00:15:5d:01:00:15';
const NEAR_MISS = '00:15:5d:01:00:14';
const SYN_KEPT = '00:15:5d:01:00:12';
const GATEWAY = '00:15:5d:00:00:01';

let open: Harness[] = [];
async function fixture(...args: Parameters<typeof Harness.fixture>): Promise<Harness> {
  const h = await Harness.fixture(...args);
  open.push(h);
  return h;
}
afterEach(() => {
  for (const h of open) h.close();
  open = [];
});

/** The MACs of the station table, top to bottom. */
function macOrder(h: Harness): string[] {
  return h.lines().flatMap((l) => (/^([0-9a-f]{2}:){5}[0-9a-f]{2} /.test(l) ? [l.slice(0, 17)] : []));
}

/** Colours of the bar cells (█ and partial blocks) in row `y`. */
function barColours(h: Harness, y: number): number[] {
  const row = h.lines()[y]!;
  return [...row].flatMap((ch, x) => (/[█▉▊▋▌▍▎▏]/.test(ch) ? [h.fg(x, y)] : []));
}

describe('the station table', () => {
  it('shows the XP station past the threshold with a full red bar, named as Hyper-V, expired', async () => {
    const h = await fixture('hyperv-mix.pcap', 7 * 60);
    const xp = h.row(XP);
    expect(xp.text).toMatch(/^00:15:5d:01:00:10 Hyper-V 198\.51\.100\.10 +- 418s █████ +1 +- +- expired/);
    expect(barColours(h, xp.y)).toStrictEqual(Array(5).fill(COLOUR.red));
    // The near-miss station is at 167 s: a green bar a little over half full.
    const near = h.row(NEAR_MISS);
    expect(near.text).toContain('167s ██▊░░');
    expect(barColours(h, near.y)).toStrictEqual(Array(3).fill(COLOUR.green));
    expect(near.text).toMatch(/ok\s*$/);
  });

  it('shows a talking station between the warning age and the threshold in yellow, as warning', async () => {
    // 08:04:08: the near-miss station warned at 08:04:03 (240 s) and ARPs again at 08:04:13.
    const h = await fixture('hyperv-mix.pcap', 4 * 60 + 8);
    const near = h.row(NEAR_MISS);
    expect(near.text).toMatch(/242s ████░ .* warning\s*$/);
    expect(barColours(h, near.y).every((c) => c === COLOUR.yellow)).toBe(true);
    expect(h.fg(near.text.indexOf('warning'), near.y)).toBe(COLOUR.yellow);
  });

  it('gives the header the source, packet clock, rate, drops and alert counts, and the table its median and max gap', async () => {
    const h = await fixture('hyperv-mix.pcap');
    expect(h.lines()[0]).toMatch(/^netgap hyperv-mix\.pcap +08:10:57Z {2}- pkt\/s {2}drops - {2}4 CRIT 7 WARN 6 INFO {2}ENDED$/);
    expect(h.row(XP).text).toMatch(/ 2 +603s +603s ok/);
    expect(h.row(GATEWAY).text).toMatch(/^00:15:5d:00:00:01 Hyper-V 198\.51\.100\.129\s+42 /);
  });

  it('sorts by ARP age by default, oldest first, silent stations last; a sort key sorts by its column, and again reverses', async () => {
    const h = await fixture('hyperv-mix.pcap');
    expect(h.row('STATIONS').text).toContain('sort ARP age');
    const byAge = macOrder(h);
    expect(byAge[0]).toBe('00:15:5d:01:00:12'); // the XP guest past the cliff: the oldest ARP of a talking station
    expect(byAge.at(-1)).toBe('00:15:5d:01:00:13'); // silent since 08:00:05: the oldest ARP, but nothing at risk
    expect(byAge.at(-2)).toBe(GATEWAY);
    await h.press('m');
    expect(macOrder(h)).toStrictEqual([...byAge].sort());
    await h.press('m');
    expect(h.row('STATIONS').text).toContain('sort MAC (reversed)');
    expect(macOrder(h)).toStrictEqual([...byAge].sort().reverse());
    await h.press('c');
    expect(macOrder(h).slice(0, 2)).toStrictEqual([GATEWAY, '00:15:5d:01:00:11']); // 49 and 23 ARPs
    await h.press('s');
    expect(macOrder(h)[0]).toBe(SYN_KEPT); // the one station still expired at the end
  });

  it('filters with /: the table narrows as the text is typed, Enter keeps it, Esc drops it', async () => {
    const h = await fixture('hyperv-mix.pcap');
    await h.press('/', 'v', 'l', 'a', 'n', '4', '2');
    expect(h.lines().at(-1)).toContain('/vlan42_');
    expect(macOrder(h).sort()).toStrictEqual([GATEWAY, VLAN_XP]);
    await h.press(KEY.enter);
    expect(h.row('STATIONS').text).toContain('2 of 9');
    expect(h.row('STATIONS').text).toContain('filter "vlan42"');
    await h.press('/', '\x7f', '\x7f', '\x7f', '\x7f', '\x7f', '\x7f', 'e', 'x', 'p', 'i');
    expect(macOrder(h)).toStrictEqual([SYN_KEPT]);
    await h.press(KEY.escape);
    expect(macOrder(h)).toHaveLength(9);
    await h.press('/', 'z', 'z', KEY.enter);
    expect(h.text()).toContain('No station matches the filter.');
  });
});

describe('the detail view', () => {
  it('shows the selected station: its ARP intervals against the threshold, the diagnosis and the advice', async () => {
    const h = await fixture('hyperv-mix.pcap');
    await h.press('m', KEY.down);
    expect(h.row(XP).y).toBe(4);
    await h.press(KEY.enter);
    const text = h.flat();
    expect(h.lines()[1]).toContain(`STATION  ${XP}  Microsoft (Hyper-V)`);
    expect(text).toContain('ARPs 2   frames 89   median interval 603s   max gap 603.1 s');
    expect(text).toContain('ARP intervals, oldest first (1 kept)');
    expect(text).toMatch(/Diagnosis \(latest alert: 08:10:05 INFO arp-gap-recovered\): 00:15:5d:01:00:10 \(198\.51\.100\.10\) sent ARP again after 603\.1 s/);
    expect(text).toMatch(/What to change: It ARPs about every 603\.1 s while it talks \(1 interval measured\): the 600 s ARP cache of Windows XP/);
    expect(text).toContain('ArpCacheMinRef');
    expect(text).toMatch(/Evidence: usual ARP interval while talking 603\.1 s \(1 measured\): Windows XP\/2003's 600 s ARP cache/);
    expect(text).toContain('talked up to 594.7 s after an ARP');
    // The 603 s interval towers in red over the threshold line; the open gap (52 s) is a low green column.
    const threshold = h.row(' threshold');
    expect(threshold.text).toMatch(/^ 300s ┊/);
    const x = threshold.text.indexOf('┊') + 1;
    const top = h.row('┊').y;
    expect(h.lines()[top]![x]).toBe('█');
    expect(h.fg(x, top)).toBe(COLOUR.red);
    const base = h.row('╰').y - 1;
    expect(h.fg(x + 3, base)).toBe(COLOUR.green);
    await h.press(KEY.escape);
    expect(h.row('STATIONS').y).toBe(1);
  });

  it('says why a station with no alert is fine', async () => {
    const h = await fixture('hyperv-mix.pcap');
    await h.press('c', KEY.enter);
    expect(h.lines()[1]).toContain(GATEWAY);
    expect(h.flat()).toContain('Diagnosis: no ARP-gap alert: it has refreshed its ARP within the 240 s warning age.');
    expect(h.flat()).toContain('What to change: nothing.');
  });
});

it('shows the help with every key on ?, and Esc closes it', async () => {
  const h = await fixture('hyperv-mix.pcap');
  await h.press('?');
  const help = h.text();
  for (const key of ['↑ ↓ k j', 'Enter', '/  ', 'a m i c x s', 'Tab', 'PgUp PgDn', 'G, End', 'p ', '? Esc q']) expect(help).toContain(key);
  expect(help).toContain('green below 240 s, yellow up to 300 s,');
  await h.press(KEY.escape);
  expect(h.text()).not.toContain('a m i c x s');
  expect(h.lines().at(-1)).toBe('↑↓ Enter detail  / filter  amicxs sort  Tab PgUp G log  p pause  ? help  q quit'.padEnd(80));
});

describe('the alert log', () => {
  it('has the newest alert at the bottom; PgUp scrolls back, new alerts then leave the view still, G goes live', async () => {
    const h = await fixture('hyperv-mix.pcap');
    const last = (): string => h.lines()[h.lines().length - 2]!;
    expect(h.row('ALERTS').text).toMatch(/ALERTS {2}17 {2}live/);
    expect(last()).toMatch(/^08:10:10 INFO arp-gap-recovered 00:15:5d:01:00:15/);
    await h.press(KEY.pageUp);
    expect(h.row('ALERTS').text).toContain('scrolled back 5: G goes live');
    expect(last()).toMatch(/^08:08:13 WARN arp-gap-warning 00:15:5d:01:00:14/);
    await h.press(KEY.tab, KEY.down);
    expect(h.row('ALERTS').text).toContain('scrolled back 4');
    await h.press(KEY.end);
    expect(h.row('ALERTS').text).toContain('live');
    expect(last()).toMatch(/^08:10:10 INFO/);
    await h.press(KEY.up, 'G');
    expect(last()).toMatch(/^08:10:10 INFO/);
  });

  it('colours each alert by severity', async () => {
    const h = await fixture('hyperv-mix.pcap');
    const crit = h.row('CRIT inbound-blackout');
    expect(h.fg(9, crit.y)).toBe(COLOUR.red);
    await h.press(KEY.pageUp);
    const warn = h.row('WARN arp-gap-warning');
    expect(h.fg(9, warn.y)).toBe(COLOUR.yellow);
  });
});

it('follows a resize: wider, the vendor is written out and the state gains its cause; taller, more rows', async () => {
  const h = await fixture('hyperv-mix.pcap');
  expect(h.row(SYN_KEPT).text).toMatch(/Hyper-V .* expired$/);
  h.term.resize(132, 40);
  h.dashboard.draw();
  expect(h.lines()).toHaveLength(40);
  expect(h.lines()[0]).toHaveLength(132);
  expect(h.lines()[0]).toContain('2025-11-22 08:10:57Z');
  expect(h.row(SYN_KEPT).text).toMatch(/Microsoft \(Hyper-V\) +198\.51\.100\.12 .* expired 1x \[tcp-syn-refresh\]\s*$/);
  expect(h.row(GATEWAY).text).toContain('198.51.100.129+1');
  h.term.resize(80, 24);
  h.dashboard.draw();
  expect(h.lines()).toHaveLength(24);
  expect(h.row(SYN_KEPT).text).toMatch(/Hyper-V .* expired$/);
});

describe('pause', () => {
  it('pauses a replay source itself', async () => {
    const pause = vi.fn();
    const h = await fixture('xp-600s.pcap', Infinity, 80, 24, { pause });
    await h.press('p');
    expect(pause).toHaveBeenLastCalledWith(true);
    expect(h.lines()[0]).toMatch(/PAUSED$/);
    await h.press('p');
    expect(pause).toHaveBeenLastCalledWith(false);
    expect(h.lines()[0]).toMatch(/ENDED$/);
  });

  it('holds a live screen still while the analysis goes on, and catches up on resume', async () => {
    const events = new Subject<AnalysisEvent>();
    const engine = new FactEngine({}, (alert: Alert) => events.next({ type: 'alert', alert }));
    const h = new Harness({ source: 'eth0', mode: 'live', events, engine: () => engine });
    open.push(h);
    h.dashboard.start();
    engine.handleDecoded(arp(GUEST, GUEST_IP), T0);
    h.dashboard.draw();
    expect(h.lines()[0]).toMatch(/08:00:00Z .* 0 CRIT 0 WARN 0 INFO {2}live$/);
    await h.press('p');
    engine.handleDecoded(udp(GUEST), T0 + 310);
    h.dashboard.draw();
    expect(h.lines()[0]).toMatch(/08:00:00Z .* PAUSED$/);
    expect(h.row('00:15:5d:0a:00:01').text).toContain('0.0s');
    expect(h.row('ALERTS').text).toMatch(/ALERTS {2}1 {2}paused/);
    expect(h.text()).not.toContain('arp-gap-expired');
    await h.press('p');
    expect(h.lines()[0]).toMatch(/08:05:10Z .* 1 CRIT 0 WARN 0 INFO {2}live$/);
    expect(h.row('00:15:5d:0a:00:01').text).toMatch(/310s █████ .* expired$/);
    expect(h.text()).toContain('CRIT arp-gap-expired');
  });
});

it('shows an ongoing blackout counting up on the packet clock, then ended with its duration and cause', async () => {
  const events = new Subject<AnalysisEvent>();
  const engine = new FactEngine({}, () => undefined);
  const h = new Harness({ source: 'eth0', mode: 'live', events, engine: () => engine });
  open.push(h);
  h.dashboard.start();
  const start: InboundBlackoutStartAlert = {
    ts: T0 + 11,
    severity: 'warning',
    kind: 'inbound-blackout-start',
    ip: '198.51.100.10',
    start_ts: T0 + 10,
    lost: { icmp: 2, udp: 0, tcp_syn: 0 },
    syn_retransmissions: 0,
    marker: 'gratuitous-arp',
    marker_offset_s: -0.3,
  };
  engine.handleDecoded(arp(GUEST, GUEST_IP), T0 + 11);
  events.next({ type: 'alert', alert: start });
  h.dashboard.draw();
  expect(h.row('BLACKOUTS').text).toContain('1 ongoing, 0 past');
  expect(h.row('▶ 198.51.100.10').text).toMatch(/08:00:10 +1\.0s ongoing {2}lost icmp 2 {2}after gratuitous-arp/);
  expect(h.fg(0, h.row('▶').y)).toBe(COLOUR.red);
  engine.tick(T0 + 14.5);
  h.dashboard.draw();
  expect(h.row('▶ 198.51.100.10').text).toContain('4.5s ongoing');
  const end: InboundBlackoutAlert = {
    ...start,
    ts: T0 + 17,
    severity: 'critical',
    kind: 'inbound-blackout',
    duration_s: 7,
    lost: { icmp: 35, udp: 0, tcp_syn: 2 },
    tcp_through_on_retry: 1,
    cause: 'interface-quarantine',
  };
  events.next({ type: 'alert', alert: end });
  engine.tick(T0 + 20);
  h.dashboard.draw();
  expect(h.row('BLACKOUTS').text).toContain('0 ongoing, 1 past');
  expect(h.row('  198.51.100.10').text).toMatch(/08:00:10 +7\.0s interface-quarantine {2}lost icmp 35, tcp syn 2$/);
  expect(h.text()).toContain('CRIT inbound-blackout');
});

describe('quitting', () => {
  it('q stops the analysis, restores the terminal and resolves with the counts', async () => {
    // A feed that never ends, to see that q unsubscribes it.
    const events = new Subject<AnalysisEvent>();
    const h = new Harness({ source: 'xp', mode: 'live', events, engine: () => undefined });
    h.dashboard.start();
    expect(events.observed).toBe(true);
    events.next({ type: 'alert', alert: { ts: T0, severity: 'warning', kind: 'table-full', table: 'stations', limit: 1 } });
    h.term.written = '';
    await h.press('q');
    const result = await h.dashboard.closed;
    expect(events.observed).toBe(false);
    expect(result).toStrictEqual({ summary: null, error: undefined, counts: { info: 0, warning: 1, critical: 0 } });
    // Left the alternate screen, cursor shown again.
    expect(h.term.written).toContain('\x1b[?1049l');
    expect(h.term.written).toContain('\x1b[?25h');
  });

  it('Ctrl-C quits too, and an aborted signal closes it (live: SIGTERM)', async () => {
    const h = await fixture('xp-600s.pcap');
    await h.press(KEY.ctrlC);
    await expect(h.dashboard.closed).resolves.toMatchObject({ counts: { critical: 2 } });
    const a = fixtureAnalysis('xp-600s.pcap');
    const stop = new AbortController();
    const term = new HeadlessTerminal();
    const done = runDashboard(
      { source: 'xp', mode: '', events: a.events, engine: a.engine },
      { input: term.input, output: term.output, terminal: 'xterm', signal: stop.signal },
    );
    stop.abort();
    await expect(done).resolves.toMatchObject({ summary: null });
  });
});

it('keeps an input error on screen until q, and returns it', async () => {
  const h = await fixture('truncated-linuxsll-arp-at500.pcap');
  expect(h.lines()[0]).toMatch(/INPUT ERROR$/);
  const error = h.flat().slice(h.flat().indexOf('input stopped: '));
  expect(error).toMatch(/^input stopped: \S*truncated-linuxsll-arp-at500\.pcap: byte \d+: /);
  await h.press('q');
  const result = await h.dashboard.closed;
  expect(result.error).toBeInstanceOf(InputError);
  expect(result.summary).not.toBeNull();
});

it('shows names from inputs as text: braces cannot open a tag, escape codes are escaped', async () => {
  const a = fixtureAnalysis('xp-600s.pcap');
  const h = new Harness({ source: '{red-fg}x\u001b[2J', mode: '', events: a.events, engine: a.engine });
  open.push(h);
  h.dashboard.start();
  await a.done;
  h.dashboard.draw();
  expect(h.lines()[0]).toMatch(/^netgap \{red-fg\}x\\x1b\[2J /);
  await h.press('/', '{', 'b', 'o', 'l', 'd', '}');
  expect(h.lines().at(-1)).toContain('/{bold}_');
});
