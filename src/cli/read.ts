// `netgap read`: analyse capture files offline and print alerts, then a per-station summary.

import type { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { InputError } from '../capture/input-error';
import { readCaptures } from '../capture/source';
import type { Severity } from '../detect/alerts';
import type { EngineOptions } from '../detect/options';
import { describe } from '../output/describe';
import { LineWriter } from '../output/line-writer';
import { alertLine, summaryPieces } from '../output/ndjson';
import { summaryText } from '../output/summary-text';
import { alertText } from '../output/text';
import { analyze, type SummaryEvent } from '../pipeline';

export interface ReadOptions {
  json?: boolean;
  arpThreshold: number;
  arpWarn: number;
  failOn?: 'warning' | 'critical';
  maxStations: number;
  perVlan?: boolean;
  newStations?: boolean;
  ignore?: string[];
  /** The blackout detector's options; the engine's defaults when absent. */
  responseTimeout?: number;
  blackoutMin?: number;
  maxHosts?: number;
  maxRequests?: number;
}

/** The engine options these command-line options set (an absent one keeps the engine's default). */
export function engineOptions(opts: ReadOptions): Partial<EngineOptions> {
  const o: Partial<EngineOptions> = { arpThresholdS: opts.arpThreshold, arpWarnS: opts.arpWarn, maxStations: opts.maxStations };
  if (opts.perVlan === true) o.perVlan = true;
  // `read` reports new stations only when asked: every station of a capture is new to it.
  if (opts.newStations === true) o.newStationsAfterS = 0;
  if (opts.ignore !== undefined) o.ignore = opts.ignore;
  if (opts.responseTimeout !== undefined) o.responseTimeoutS = opts.responseTimeout;
  if (opts.blackoutMin !== undefined) o.blackoutMinS = opts.blackoutMin;
  if (opts.maxHosts !== undefined) o.maxHosts = opts.maxHosts;
  if (opts.maxRequests !== undefined) o.maxRequests = opts.maxRequests;
  return o;
}

export interface Io {
  stdout: Writable;
  stderr: Writable;
}

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/**
 * A summary of at most this many station rows is written with V8's optimizing compiler off (see
 * `stopOptimizing`). Above it, optimizing the summary's loops pays for itself: the bench's ARP
 * flood (65,536 rows) took 0.25 s longer without it.
 */
const FEW_ROWS = 4096;

/**
 * Turns V8's optimizing compiler (TurboFan) off for the rest of this process, once the frames
 * are done. What remains, the summary, runs once; V8 would still optimize its loops on a compiler
 * thread, and Node waits for that thread before the process ends: on the bench's 1 h file (1,600
 * stations) the process ended 7-20 ms after its last line, against 0.3 ms with the compiler off.
 * Code already optimized keeps running. `netgap read` ends after its summary, so this
 * process-wide setting outlives nothing that needs it.
 */
function stopOptimizing(): void {
  setFlagsFromString('--no-turbofan');
}

/**
 * Runs the analysis and returns the exit code: 0 done, 1 when `--fail-on` matched an alert,
 * 2 when an input could not be read to its end (after every alert and the summary were written).
 */
export async function runRead(files: string[], opts: ReadOptions, io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const out = new LineWriter(io.stdout);
  const advice = new Map<string, string>();
  let worst = -1;
  const events = analyze((input) => readCaptures(files, input.frame, { holdBack: () => out.drained() }), engineOptions(opts));
  let summary: SummaryEvent | undefined;
  let failure: InputError | undefined;
  try {
    await events.forEach((ev) => {
      if (ev.type === 'alert') {
        const alert = ev.alert;
        worst = Math.max(worst, RANK[alert.severity]);
        if (opts.json) {
          out.line(alertLine(alert));
          return;
        }
        out.line(alertText(alert));
        // Text lines leave the advice out; the summary gives it once per station.
        const { advice: todo } = describe(alert);
        // The summary's station advice is the ARP-gap advice; a blackout's is given by its own section.
        if (todo !== '' && alert.mac !== undefined && alert.kind.startsWith('arp-gap-')) advice.set(alert.mac, todo);
      } else {
        summary = ev; // written below, where a slow reader can be waited for
      }
    });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    failure = err; // the summary of what came before the damage is still written, first
  } finally {
    out.flush();
  }
  if (summary !== undefined) {
    if (summary.stationCount <= FEW_ROWS) stopOptimizing();
    if (opts.json) await out.linePieces(summaryPieces(summary.head, summary.rows()));
    else for (const line of summaryText(summary.summary, advice)) out.line(line);
    out.flush();
  }
  if (failure !== undefined) {
    io.stderr.write(`netgap: ${failure.message}\n`);
    return 2;
  }
  return opts.failOn !== undefined && worst >= RANK[opts.failOn] ? 1 : 0;
}
