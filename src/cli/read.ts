// `netgap read`: analyse capture files offline and print alerts, then a per-station summary.

import { analyzeTo, type AnalysisSource, type SummaryEvent } from '../analysis';
import { InputError } from '../capture/input-error';
import { type Reading, readCapturesTo } from '../capture/file/source';
import type { Severity } from '../detect/alerts';
import type { Engine } from '../detect/engine';
import { AlertRenderer } from '../output/alert-renderer';
import { LineWriter } from '../output/line-writer';
import { summaryPieces } from '../output/ndjson';
import { summaryText } from '../output/summary-text';
import { alertText } from '../output/text';
import { EXIT, type ExitCode } from './exit-codes';
import { type Io, processIo } from './io';
import { engineOptions, type ReadOptions } from './options';
import { Service, ServiceSetupError } from './service';
import { priorityPrefix, stderrLine } from '../output/journal';

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/**
 * Runs the analysis and returns the exit code: OK, ALERTED when `--fail-on` matched an alert,
 * INPUT when an input could not be read to its end (after every alert and the summary were written).
 */
export async function runRead(files: string[], opts: ReadOptions, io: Io = processIo()): Promise<ExitCode> {
  // The service options' files and ports are opened before any frame is read: a mistake is one line, exit 2.
  let engine: Engine | undefined;
  let service: Service;
  try {
    service = await Service.open(opts, { engine: () => engine }, (text) => io.stderr.write(stderrLine('warning', text)));
  } catch (err) {
    if (!(err instanceof ServiceSetupError)) throw err;
    io.stderr.write(stderrLine('err', err.message));
    return EXIT.USAGE;
  }
  const out = new LineWriter(service.output ?? io.stdout);
  const host = service.host;
  const renderer = new AlertRenderer(opts.json === true ? 'ndjson' : 'text', host);
  let worst = -1;
  service.watchHangup(
    () => engine?.clock.now ?? -Infinity,
    (alert) => {
      service.alert(alert);
      worst = Math.max(worst, RANK[alert.severity]);
      out.line(renderer.line(alert));
      io.stderr.write(`${priorityPrefix('warning')}netgap: ${alertText(alert)}\n`);
    },
  );
  // The plain cores of the analysis and the reading: `read` loads no RxJS, which costs more start-up than a short capture's analysis.
  let reading: Reading | undefined;
  const source: AnalysisSource = (input, end) => {
    reading = readCapturesTo(files, input.frame, {
      holdBack: () => out.drained(),
      ...(opts.interfaceFilter !== undefined ? { interfaceFilter: opts.interfaceFilter } : {}),
    });
    reading.done.then(end.complete, end.error);
    return reading.cancel;
  };
  let summary: SummaryEvent | undefined;
  let failure: InputError | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      analyzeTo(
        source,
        {
          alert: (alert) => {
            service.alert(alert);
            worst = Math.max(worst, RANK[alert.severity]);
            // Text lines leave the advice out; the summary gives it once per station.
            out.line(renderer.line(alert));
          },
          summary: (ev) => {
            summary = ev; // written below, where a slow reader can be waited for
          },
          complete: resolve,
          error: reject,
        },
        engineOptions(opts),
        (e) => {
          engine = e;
          service.attach(e);
        },
      );
    });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    failure = err; // the summary of what came before the damage is still written, first
  } finally {
    out.flush();
  }
  if (summary !== undefined) {
    if (opts.json) await out.linePieces(summaryPieces(summary.head, summary.rows(), host === undefined ? {} : { host }));
    else for (const line of summaryText(summary.summary, renderer.advice)) out.line(line);
    out.flush();
  }
  await service.close();
  if (failure !== undefined) {
    // One line per damaged input (the inputs after one were still read). The file name is the
    // user's, and may hold any byte (a file named with ESC[2J clears the screen).
    const damaged = reading !== undefined && reading.damaged.length > 0 ? reading.damaged : [failure];
    for (const err of damaged) io.stderr.write(stderrLine('err', err.message));
    return EXIT.INPUT;
  }
  return opts.failOn !== undefined && worst >= RANK[opts.failOn] ? EXIT.ALERTED : EXIT.OK;
}
