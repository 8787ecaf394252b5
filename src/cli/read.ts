// `netgap read`: analyse capture files offline and print alerts, then a per-station summary.

import { setFlagsFromString } from 'node:v8';
import { InputError } from '../capture/input-error';
import { readCaptures } from '../capture/source';
import type { Severity } from '../detect/alerts';
import { AlertRenderer } from '../output/alert-renderer';
import { LineWriter } from '../output/line-writer';
import { summaryPieces } from '../output/ndjson';
import { summaryText } from '../output/summary-text';
import { analyze, type SummaryEvent } from '../pipeline';
import { EXIT, type ExitCode } from './exit-codes';
import { type Io, processIo } from './io';
import { engineOptions, type ReadOptions } from './options';

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
 * Runs the analysis and returns the exit code: OK, ALERTED when `--fail-on` matched an alert,
 * INPUT when an input could not be read to its end (after every alert and the summary were written).
 */
export async function runRead(files: string[], opts: ReadOptions, io: Io = processIo()): Promise<ExitCode> {
  const out = new LineWriter(io.stdout);
  const renderer = new AlertRenderer(opts.json === true ? 'ndjson' : 'text');
  let worst = -1;
  const events = analyze((input) => readCaptures(files, input.frame, { holdBack: () => out.drained() }), engineOptions(opts));
  let summary: SummaryEvent | undefined;
  let failure: InputError | undefined;
  try {
    await events.forEach((ev) => {
      if (ev.type === 'alert') {
        const alert = ev.alert;
        worst = Math.max(worst, RANK[alert.severity]);
        // Text lines leave the advice out; the summary gives it once per station.
        out.line(renderer.line(alert));
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
    else for (const line of summaryText(summary.summary, renderer.advice)) out.line(line);
    out.flush();
  }
  if (failure !== undefined) {
    io.stderr.write(`netgap: ${failure.message}\n`);
    return EXIT.INPUT;
  }
  return opts.failOn !== undefined && worst >= RANK[opts.failOn] ? EXIT.ALERTED : EXIT.OK;
}
