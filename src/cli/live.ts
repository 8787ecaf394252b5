// `netgap live`: capture on host interfaces through dumpcap or cap (libpcap/Npcap) and print the alerts as they happen, then a summary.

import type { EventEmitter } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { EMPTY, fromEvent, merge, type Observable, tap, timer } from 'rxjs';
import { PcapngWriter, PcapWriter } from '../capture/file/writer';
import type { CaptureEngine, InterfaceStats } from '../capture/live/capture-api';
import { CaptureOpenError } from '../capture/live/capture-api';
import { LiveCapture } from '../capture/live/capture';
import type { LossMethod } from '../capture/live/facts';
import { CapMissingError, loadCap } from '../capture/live/cap';
import { DUMPCAP_MISSING_HINT, locateDumpcap } from '../capture/live/dumpcap-locate';
import { combineFilter } from '../capture/live/filter';
import type { RunAs } from '../capture/live/user';
import { dropPrivileges, resolveUser } from '../capture/live/user';
import type { Alert } from '../detect/alerts';
import type { CaptureSummary } from '../detect/capture-health';
import type { Engine } from '../detect/engine';
import type { FrameSink } from '../frame';
import { AlertRenderer } from '../output/alert-renderer';
import { runDashboard } from '../output/dashboard/dashboard';
import { LineWriter } from '../output/line-writer';
import { summaryPieces } from '../output/ndjson';
import { LOSS_METHOD_TEXT, summaryText } from '../output/summary-text';
import { alertText } from '../output/text';
import { analyze, type SummaryEvent } from '../pipeline';
import { EXIT, type ExitCode } from './exit-codes';
import { type Io, processIo } from './io';
import { LIVE_NEW_STATIONS_AFTER_S } from '../detect/options';
import { engineOptions, type LiveOptions } from './options';
import { Service, ServiceSetupError } from './service';
import { stderrLine } from '../output/journal';

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

function permissionHint(iface: string): string {
  return (
    `cannot capture on ${iface}: permission denied. Run netgap as root, or let a dedicated copy of node capture: ` +
    'sudo cp "$(command -v node)" /usr/local/bin/node-netgap && sudo setcap cap_net_raw,cap_net_admin=eip /usr/local/bin/node-netgap, ' +
    'then run netgap with /usr/local/bin/node-netgap'
  );
}

/** How dumpcap gets the right to capture without running netgap as root. */
function dumpcapPermissionHint(iface: string, path: string): string {
  return (
    `cannot capture on ${iface}: permission denied. Run netgap as root, or let dumpcap capture for you: ` +
    'on Debian/Ubuntu `sudo dpkg-reconfigure wireshark-common` (answer yes), `sudo usermod -a -G wireshark $USER`, then log in again; ' +
    `elsewhere \`sudo setcap cap_net_raw,cap_net_admin=eip ${path}\``
  );
}

/** How the loss of an interface will be measured, as said when it opens. */
function listeningLoss(method: LossMethod, engine: CaptureEngine): string {
  if (engine.kind !== 'dumpcap') return LOSS_METHOD_TEXT[method];
  // dumpcap's own counts come in its statistics block when it stops; meanwhile the interface counters.
  const meanwhile = method === 'kernel-counters' ? ', and against the kernel counters while it runs' : '';
  return `${LOSS_METHOD_TEXT['pcap-stats']}${meanwhile}`;
}

function openErrorText(e: CaptureOpenError, engine: CaptureEngine): string {
  switch (e.reason) {
    case 'permission':
      return engine.kind === 'dumpcap' ? dumpcapPermissionHint(e.iface, engine.path) : permissionHint(e.iface);
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

/** The summary's `capture` object (README: "Live capture statistics"). */
function captureSummary(stats: readonly InterfaceStats[], filter: string | null, bufferBytes: number, engine: CaptureEngine): CaptureSummary {
  return {
    engine: engine.kind,
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

/**
 * SIGINT, SIGTERM and the end of `--duration`: the requests to stop a live run (`--count` is the
 * capture's own). The signals are handled only while subscribed, and get their default back after.
 */
export function stopRequests(durationS: number | undefined, signals: EventEmitter = process): Observable<unknown> {
  return merge(fromEvent(signals, 'SIGINT'), fromEvent(signals, 'SIGTERM'), durationS === undefined ? EMPTY : timer(durationS * 1000));
}

/**
 * Runs until SIGINT/SIGTERM, --count or --duration, and returns the exit code: OK when stopped
 * that way, CAPTURE when capture could not start or an interface went away under --no-retry,
 * USAGE when --user cannot be used.
 */
export async function runLive(opts: LiveOptions, io: Io = processIo()): Promise<ExitCode> {
  const fail = (text: string, code: ExitCode = EXIT.CAPTURE): ExitCode => {
    io.stderr.write(stderrLine('err', text));
    return code;
  };
  let captureEngine: CaptureEngine;
  const dumpcap = opts.captureEngine === 'cap' ? null : locateDumpcap();
  if (dumpcap !== null) {
    captureEngine = { kind: 'dumpcap', path: dumpcap };
  } else if (opts.captureEngine === 'dumpcap') {
    return fail(DUMPCAP_MISSING_HINT);
  } else {
    try {
      loadCap();
    } catch (err) {
      if (err instanceof CapMissingError) return fail(err.message);
      throw err;
    }
    captureEngine = { kind: 'cap' };
  }
  let runAs: RunAs | null = null;
  if (opts.user !== undefined) {
    if (process.getuid?.() !== 0) return fail('--user drops root after opening the interfaces: start netgap as root', EXIT.USAGE);
    try {
      runAs = resolveUser(opts.user);
    } catch (err) {
      return fail((err as Error).message, EXIT.USAGE);
    }
  }

  const tui =
    opts.tui === true ||
    (opts.tail !== true && opts.json !== true && io.stdout === process.stdout && process.stdout.isTTY === true && process.stdin.isTTY === true);
  // Made once the service is open: with --output, lines go to that file; NDJSON always carries the sensor's name (`host`).
  let out = new LineWriter(io.stdout);
  let renderer = new AlertRenderer(opts.json === true ? 'ndjson' : 'text');
  let service: Service | null = null;
  // With the dashboard open nothing may write to the terminal: the capture processes' messages wait until it closes.
  const heldMessages: string[] = [];
  const message = (text: string): void => {
    if (tui) heldMessages.push(text);
    else io.stderr.write(text);
  };
  // The dashboard shows the alerts itself; the summary printed after it still gives the advice.
  const render = (alert: Alert): void => {
    service?.alert(alert);
    if (tui) renderer.note(alert);
    else out.line(renderer.line(alert));
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
      engine: captureEngine,
    },
    (iface, line) => message(stderrLine('warning', `${iface}: capture process: ${line}`)),
  );

  // The service options' files and ports are opened before capture starts: a mistake is one line, exit 2.
  let engine: Engine | undefined;
  try {
    service = await Service.open(opts, { engine: () => engine, interfaces: () => capture.stats() }, (text) => message(stderrLine('warning', text)), true);
  } catch (err) {
    if (err instanceof ServiceSetupError) return fail(err.message, EXIT.USAGE);
    throw err;
  }
  const opened = service;
  if (opened.output !== null) out = new LineWriter(opened.output);
  renderer = new AlertRenderer(renderer.format, opened.host);
  try {
    await capture.open();
  } catch (err) {
    await opened.close();
    if (err instanceof CaptureOpenError) return fail(openErrorText(err, captureEngine));
    throw err;
  }
  if (opened.listening !== null) io.stderr.write(stderrLine('info', `metrics at http://${opened.listening}/metrics`));
  for (const s of capture.stats()) {
    io.stderr.write(
      stderrLine(
        'info',
        `listening on ${s.name} (${captureEngine.kind}), link type ${s.linkType} (${LINK_NAMES[s.linkType] ?? 'unknown'}), buffer ${opts.bufferSize} MiB, ${listeningLoss(s.lossMethod, captureEngine)}`,
      ),
    );
  }
  if (runAs !== null) {
    try {
      dropPrivileges(runAs);
    } catch (err) {
      capture.abort();
      await opened.close();
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
      await opened.close();
      return fail(`--write ${opts.write}: the interfaces have different link types (${fileLinkTypes.join(', ')}): name the file .pcapng`);
    }
    try {
      fd = openSync(opts.write, 'w');
    } catch (err) {
      capture.abort();
      await opened.close();
      return fail(`--write ${opts.write}: ${(err as Error).message}`);
    }
    // Nanosecond timestamps: the file holds the live stamps exactly, so `netgap read` on it sees the same times.
    writer = pcapng
      ? new PcapngWriter(
          fd,
          fileLinkTypes.map((linkType) => ({ linkType, snapLen: CAP_SNAPLEN, tsResolution: 'ns' as const })),
        )
      : new PcapWriter(fd, { linkType: fileLinkTypes[0]!, snapLen: CAP_SNAPLEN, tsResolution: 'ns' });
  }

  const events = analyze(
    (input) => {
      const w = writer;
      // Every frame goes to the file exactly as the engine gets it, in the same order: reading the
      // file gives the same alerts. (A device that came back with another link type is not written.)
      const frame: FrameSink =
        w === null
          ? input.frame
          : (f) => {
              if (f.linkType === fileLinkTypes[f.ifIndex]) w.write(f);
              input.frame(f);
            };
      // Each heartbeat hands the gathered records to the file, so that a copy being read lags by at most that.
      return capture.run({ frame, tick: (t) => input.tick(t), capture: (fact) => input.capture(fact) }).pipe(tap(() => w?.flush()));
    },
    { ...engineOptions(opts), captureIdleS: opts.idle, newStationsAfterS: opts.newStations === true ? 0 : LIVE_NEW_STATIONS_AFTER_S },
    (e) => {
      engine = e;
      opened.attach(e, true);
    },
  );
  opened.watchHangup(
    () => engine?.clock.now ?? -Infinity,
    (alert) => {
      render(alert);
      message(`netgap: ${alertText(alert)}\n`);
    },
  );
  const printSummary = async (ev: Pick<SummaryEvent, 'summary' | 'head' | 'rows'>): Promise<void> => {
    writer?.flush();
    const capturing = captureSummary(capture.stats(), userFilter ? opts.filter! : null, bufferBytes, captureEngine);
    if (opts.json) {
      const host = opened.host;
      await out.linePieces(summaryPieces(ev.head, ev.rows(), host === undefined ? { capture: capturing } : { capture: capturing, host }));
    } else {
      for (const line of summaryText(ev.summary, renderer.advice, capturing)) out.line(line);
    }
  };
  // The capture stops on request, and the analysis then ends with its summary; however the run
  // ends, the signals get their default meaning back and the file is closed.
  const stopping = stopRequests(opts.duration).subscribe(() => capture.stop());
  try {
    return tui ? await liveDashboard() : await liveLines();
  } finally {
    stopping.unsubscribe();
    if (fd >= 0) closeSync(fd);
    await opened.close();
    for (const m of heldMessages) io.stderr.write(m);
  }

  /** Alert lines as they come, then the summary. */
  async function liveLines(): Promise<ExitCode> {
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
    }
    return capture.failed ? EXIT.CAPTURE : EXIT.OK;
  }

  /**
   * The dashboard on the live analysis (SIGTERM closes it as `q` does; Ctrl-C is a key there).
   * Quitting unsubscribes, which stops the capture; the summary is then printed below the restored
   * terminal, as tcpdump prints its statistics.
   */
  async function liveDashboard(): Promise<ExitCode> {
    const signal = new AbortController();
    const closing = fromEvent(process, 'SIGTERM').subscribe(() => signal.abort());
    const result = await runDashboard(
      {
        source: opts.interface.join(' '),
        mode: 'live',
        events: events.pipe(
          tap((ev) => {
            if (ev.type === 'alert') render(ev.alert);
          }),
        ),
        engine: () => engine,
        drops: () => capture.stats().reduce<number | null>((sum, s) => (s.lost === null ? sum : (sum ?? 0) + s.lost), null),
      },
      { signal: signal.signal },
    ).finally(() => closing.unsubscribe());
    if (engine !== undefined) {
      const summary = result.summary ?? engine.finish();
      const { stations, ...head } = summary;
      await printSummary({ summary, head, rows: () => stations });
    }
    return capture.failed ? EXIT.CAPTURE : EXIT.OK;
  }
}
