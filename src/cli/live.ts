// `netgap live`: capture on host interfaces through cap (libpcap/Npcap) and print the alerts as they happen, then a summary.

import { closeSync, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { map, merge, Subject, tap, timer } from 'rxjs';
import { PcapngWriter, PcapWriter } from '../capture/capture-writer';
import type { FrameSink } from '../capture/frame';
import type { CaptureHealth, InterfaceStats, LossMethod } from '../capture/live';
import { CaptureOpenError, combineFilter, LiveCapture } from '../capture/live';
import { CapMissingError, loadCap } from '../capture/live-cap';
import type { RunAs } from '../capture/live-user';
import { dropPrivileges, resolveUser } from '../capture/live-user';
import type { Alert, Severity } from '../detect/alerts';
import type { Engine, SummaryHead } from '../detect/engine';
import { LIVE_NEW_STATIONS_AFTER_S } from '../detect/options';
import { runDashboard } from '../output/dashboard/dashboard';
import { describe } from '../output/describe';
import { LineWriter } from '../output/line-writer';
import { alertLine, summaryPieces } from '../output/ndjson';
import { sanitize } from '../output/sanitize';
import { summaryText } from '../output/summary-text';
import { alertText } from '../output/text';
import { analyze, type AnalysisEvent, type SummaryEvent } from '../pipeline';
import { engineOptions } from './read';

export interface LiveOptions {
  /** Devices to capture on (`-i`, repeatable). */
  interface: string[];
  filter?: string;
  /** libpcap's buffer per interface, MiB. */
  bufferSize: number;
  count?: number;
  duration?: number;
  write?: string;
  json?: boolean;
  /** Force the dashboard (`--tui`) or alert lines (`--tail`); by default the dashboard opens when stdout and stdin are a terminal. */
  tui?: boolean;
  tail?: boolean;
  user?: string;
  /** Seconds without a frame before capture-idle. */
  idle: number;
  /** commander's `--no-retry` sets this to false. */
  retry: boolean;
  arpThreshold: number;
  arpWarn: number;
  maxStations: number;
  responseTimeout?: number;
  blackoutMin?: number;
  maxHosts?: number;
  maxRequests?: number;
  perVlan?: boolean;
  /** Without it, new-station only after LIVE_NEW_STATIONS_AFTER_S of learning. */
  newStations?: boolean;
  ignore?: string[];
}

export interface Io {
  stdout: Writable;
  stderr: Writable;
}

/** The snapshot length cap always uses (binding.cc); also the file's. */
const CAP_SNAPLEN = 65535;

const LINK_NAMES: Readonly<Record<number, string>> = {
  0: 'BSD loopback',
  1: 'Ethernet',
  101: 'raw IP',
  113: 'Linux cooked',
  127: '802.11 radiotap',
  276: 'Linux cooked v2',
};

const LOSS_TEXT: Readonly<Record<LossMethod, string>> = {
  'kernel-counters': 'loss measured against the kernel counters',
  'not-measured-filter': 'loss not measured (with --filter, the kernel counters include what the filter rejects)',
  'not-measured-no-counters': 'loss not measured (no interface counters for this device)',
};

function permissionHint(iface: string): string {
  return (
    `cannot capture on ${iface}: permission denied. Run netgap as root, or let a dedicated copy of node capture: ` +
    'sudo cp "$(command -v node)" /usr/local/bin/node-netgap && sudo setcap cap_net_raw,cap_net_admin=eip /usr/local/bin/node-netgap, ' +
    'then run netgap with /usr/local/bin/node-netgap'
  );
}

function openErrorText(e: CaptureOpenError): string {
  switch (e.reason) {
    case 'permission':
      return permissionHint(e.iface);
    case 'no-device':
      return `cannot capture on ${e.iface}: no such interface (\`netgap interfaces\` lists them)`;
    case 'filter':
      return `--filter: ${e.detail}`;
    case 'cap-missing':
      return e.detail;
    default:
      return `cannot capture on ${e.iface}: ${e.detail}`;
  }
}

function healthAlert(h: CaptureHealth): Alert {
  switch (h.kind) {
    case 'loss':
      return {
        ts: h.ts,
        severity: 'warning',
        kind: 'capture-loss',
        interface: h.iface,
        packets_lost: h.lost,
        packets_counted: h.counted,
        window_s: h.windowS,
        oversize: h.oversize,
      };
    case 'idle':
      return { ts: h.ts, severity: 'warning', kind: 'capture-idle', interface: h.iface, idle_s: h.idleS };
    case 'stopped':
      return { ts: h.ts, severity: 'critical', kind: 'capture-stopped', interface: h.iface, reason: h.reason, detail: h.detail, retry: h.retry };
    case 'resumed':
      return { ts: h.ts, severity: 'info', kind: 'capture-resumed', interface: h.iface, down_s: h.downS };
  }
}

/** The summary's `capture` object (README: "Live capture statistics"). */
function captureRecord(stats: readonly InterfaceStats[], filter: string | null, bufferBytes: number): Record<string, unknown> {
  return {
    filter,
    buffer_bytes: bufferBytes,
    interfaces: stats.map((s) => ({
      name: s.name,
      link_type: s.linkType,
      frames: s.frames,
      packets_counted: s.counted,
      packets_lost: s.lost,
      oversize: s.oversize,
      loss_method: s.lossMethod,
      restarts: s.restarts,
    })),
  };
}

function captureLines(stats: readonly InterfaceStats[]): string[] {
  return stats.map((s, i) => {
    const head = i === 0 ? '  capture:  ' : '            ';
    const loss = s.lost === null || s.counted === null ? LOSS_TEXT[s.lossMethod] : `${s.lost} lost of ${s.counted} packets the kernel counted${s.oversize > 0 ? ` (estimate: ${s.oversize} offload-merged frames)` : ''}`;
    const restarts = s.restarts > 0 ? `, reopened ${s.restarts} time(s)` : '';
    return `${head}${s.name}: ${s.frames} frames, ${loss}${restarts}`;
  });
}

/** The combined summary (whole, or its head): the engine's, with the capture's alerts added to the counts. */
function withCaptureAlerts<S extends SummaryHead>(summary: S, counts: Readonly<Record<Severity, number>>): S {
  const alerts = { ...summary.alerts };
  for (const s of Object.keys(counts) as Severity[]) alerts[s] += counts[s];
  return { ...summary, alerts };
}

/**
 * Runs until SIGINT/SIGTERM, --count or --duration, and returns the exit code: 0 when stopped
 * that way, 2 when capture could not start, or when an interface went away under --no-retry.
 */
export async function runLive(opts: LiveOptions, io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const fail = (text: string): number => {
    io.stderr.write(`netgap: ${sanitize(text)}\n`);
    return 2;
  };
  const twice = opts.interface.find((name, i) => opts.interface.indexOf(name) !== i);
  if (twice !== undefined) return fail(`-i ${twice} is given twice: each frame would be seen twice`);
  try {
    loadCap();
  } catch (err) {
    if (err instanceof CapMissingError) return fail(err.message);
    throw err;
  }
  let runAs: RunAs | null = null;
  if (opts.user !== undefined) {
    if (process.getuid?.() !== 0) return fail('--user drops root after opening the interfaces: start netgap as root');
    try {
      runAs = resolveUser(opts.user);
    } catch (err) {
      return fail((err as Error).message);
    }
  }

  const tui = opts.tui === true || (opts.tail !== true && opts.json !== true && io.stdout === process.stdout && process.stdout.isTTY === true && process.stdin.isTTY === true);
  const out = new LineWriter(io.stdout);
  const advice = new Map<string, string>();
  const captureAlerts: Record<Severity, number> = { info: 0, warning: 0, critical: 0 };
  // With the dashboard open nothing may write to the terminal: capture alerts join its alert log,
  // and the capture processes' messages wait until it closes.
  const healthAlerts = new Subject<AnalysisEvent>();
  const heldMessages: string[] = [];
  const message = (text: string): void => {
    if (tui) heldMessages.push(text);
    else io.stderr.write(text);
  };
  const render = (alert: Alert): void => {
    if (!tui) out.line(opts.json ? alertLine(alert) : alertText(alert));
    const { advice: todo } = describe(alert);
    if (todo !== '' && alert.mac !== undefined) advice.set(alert.mac, todo);
  };

  const userFilter = opts.filter !== undefined && opts.filter.trim() !== '';
  const bufferBytes = opts.bufferSize * 1024 * 1024;
  const capture = new LiveCapture(
    {
      interfaces: opts.interface,
      filter: combineFilter(opts.filter ?? ''),
      userFilter,
      bufferBytes,
      // A process that gave up root cannot open an interface again.
      retry: opts.retry && runAs === null,
      runAs,
      count: opts.count ?? Infinity,
      idleS: opts.idle,
    },
    (h) => {
      const alert = healthAlert(h);
      captureAlerts[alert.severity]++;
      render(alert);
      if (tui) healthAlerts.next({ type: 'alert', alert });
    },
    (iface, line) => message(`netgap: ${sanitize(`${iface}: capture process: ${line}`)}\n`),
  );

  try {
    await capture.open();
  } catch (err) {
    if (err instanceof CaptureOpenError) return fail(openErrorText(err));
    throw err;
  }
  for (const s of capture.stats()) {
    io.stderr.write(
      `netgap: ${sanitize(`listening on ${s.name}, link type ${s.linkType} (${LINK_NAMES[s.linkType] ?? 'unknown'}), buffer ${opts.bufferSize} MiB, ${LOSS_TEXT[s.lossMethod]}`)}\n`,
    );
  }
  if (runAs !== null) {
    try {
      dropPrivileges(runAs);
    } catch (err) {
      capture.abort();
      return fail((err as Error).message);
    }
  }

  // Opened after dropping root, as tcpdump -Z does: the file belongs to --user.
  let fd = -1;
  let writer: PcapWriter | PcapngWriter | null = null;
  const fileLinkTypes = capture.linkTypes;
  if (opts.write !== undefined) {
    const pcapng = /\.pcapng$/i.test(opts.write);
    if (!pcapng && fileLinkTypes.some((t) => t !== fileLinkTypes[0])) {
      capture.abort();
      return fail(`--write ${opts.write}: the interfaces have different link types (${fileLinkTypes.join(', ')}): name the file .pcapng`);
    }
    try {
      fd = openSync(opts.write, 'w');
    } catch (err) {
      capture.abort();
      return fail(`--write ${opts.write}: ${(err as Error).message}`);
    }
    // Nanosecond timestamps: the file holds the live stamps exactly, so `netgap read` on it sees the same times.
    writer = pcapng
      ? new PcapngWriter(fd, fileLinkTypes.map((linkType) => ({ linkType, snapLen: CAP_SNAPLEN, tsResolution: 'ns' as const })))
      : new PcapWriter(fd, { linkType: fileLinkTypes[0]!, snapLen: CAP_SNAPLEN, tsResolution: 'ns' });
  }

  const stop = (): void => capture.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const duration = opts.duration !== undefined ? timer(opts.duration * 1000).subscribe(stop) : null;
  let engine: Engine | undefined;
  const events = analyze(
    (input) => {
      const w = writer;
      // Every frame goes to the file exactly as the engine gets it, in the same order: reading the
      // file gives the same alerts. (A device that came back with another link type is not written.)
      const frame: FrameSink = w === null ? input.frame : (f) => {
        if (f.linkType === fileLinkTypes[f.ifIndex]) w.write(f);
        input.frame(f);
      };
      // Each heartbeat hands the gathered records to the file, so that a copy being read lags by at most that.
      return capture.run({ frame, tick: (t) => input.tick(t) }).pipe(tap(() => w?.flush()));
    },
    { ...engineOptions(opts), newStationsAfterS: opts.newStations === true ? 0 : LIVE_NEW_STATIONS_AFTER_S },
    (e) => (engine = e),
  );
  const printSummary = async (ev: Pick<SummaryEvent, 'summary' | 'head' | 'rows'>): Promise<void> => {
    writer?.flush();
    const stats = capture.stats();
    if (opts.json) {
      const capturing = { capture: captureRecord(stats, userFilter ? opts.filter! : null, bufferBytes) };
      await out.linePieces(summaryPieces(withCaptureAlerts(ev.head, captureAlerts), ev.rows(), capturing));
    } else {
      const lines = summaryText(withCaptureAlerts(ev.summary, captureAlerts), advice);
      const at = lines.findIndex((l) => l.startsWith('  alerts:'));
      lines.splice(at + 1, 0, ...captureLines(stats).map(sanitize));
      for (const line of lines) out.line(line);
    }
  };
  if (tui) {
    try {
      return await liveDashboard();
    } finally {
      duration?.unsubscribe();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (fd >= 0) closeSync(fd);
      for (const m of heldMessages) io.stderr.write(m);
    }
  }
  let summary: SummaryEvent | undefined;
  try {
    await events.forEach((ev) => {
      if (ev.type === 'alert') render(ev.alert);
      else summary = ev; // printed below, where a slow reader can be waited for
    });
  } finally {
    out.flush();
    // An analysis that failed emitted its summary first: it is printed all the same.
    if (summary !== undefined) await printSummary(summary);
    out.flush();
    duration?.unsubscribe();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (fd >= 0) closeSync(fd);
  }
  return capture.failed ? 2 : 0;

  /**
   * The dashboard on the live analysis (SIGTERM closes it as `q` does; Ctrl-C is a key there).
   * Quitting unsubscribes, which stops the capture; the summary is then printed below the restored
   * terminal, as tcpdump prints its statistics.
   */
  async function liveDashboard(): Promise<number> {
    const signal = new AbortController();
    const abort = (): void => signal.abort();
    process.once('SIGTERM', abort);
    const result = await runDashboard(
      {
        source: opts.interface.join(' '),
        mode: 'live',
        events: merge(events.pipe(map((ev) => (ev.type === 'alert' ? (render(ev.alert), ev) : ev))), healthAlerts),
        engine: () => engine,
        drops: () => capture.stats().reduce<number | null>((sum, s) => (s.lost === null ? sum : (sum ?? 0) + s.lost), null),
      },
      { signal: signal.signal },
    );
    process.off('SIGTERM', abort);
    if (engine !== undefined) {
      const summary = result.summary ?? engine.finish();
      const { stations, ...head } = summary;
      await printSummary({ summary, head, rows: () => stations });
    }
    return capture.failed ? 2 : 0;
  }
}
