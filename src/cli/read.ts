// `netgap read`: analyse capture files offline and print alerts, then a per-station summary.

import type { Writable } from 'node:stream';
import { InputError } from '../capture/input-error';
import { readCaptures } from '../capture/source';
import type { Severity } from '../detect/alerts';
import { describe } from '../output/describe';
import { LineWriter } from '../output/line-writer';
import { alertLine, summaryLine } from '../output/ndjson';
import { summaryText } from '../output/summary-text';
import { alertText } from '../output/text';
import { analyze } from '../pipeline';

export interface ReadOptions {
  json?: boolean;
  arpThreshold: number;
  arpWarn: number;
  failOn?: 'warning' | 'critical';
  maxStations: number;
}

export interface Io {
  stdout: Writable;
  stderr: Writable;
}

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/**
 * Runs the analysis and returns the exit code: 0 done, 1 when `--fail-on` matched an alert,
 * 2 when an input could not be read to its end (after every alert and the summary were written).
 */
export async function runRead(files: string[], opts: ReadOptions, io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const out = new LineWriter(io.stdout);
  const advice = new Map<string, string>();
  let worst = -1;
  const events = analyze((input) => readCaptures(files, input.frame), {
    arpThresholdS: opts.arpThreshold,
    arpWarnS: opts.arpWarn,
    maxStations: opts.maxStations,
  });
  try {
    await events.forEach((ev) => {
      if (ev.type === 'alert') {
        const alert = ev.alert;
        worst = Math.max(worst, RANK[alert.severity]);
        out.line(opts.json ? alertLine(alert) : alertText(alert));
        // Text lines leave the advice out; the summary gives it once per station.
        const { advice: todo } = describe(alert);
        if (todo !== '' && alert.mac !== undefined) advice.set(alert.mac, todo);
      } else if (opts.json) {
        out.line(summaryLine(ev.summary));
      } else {
        for (const line of summaryText(ev.summary, advice)) out.line(line);
      }
    });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    io.stderr.write(`netgap: ${err.message}\n`);
    return 2;
  }
  return opts.failOn !== undefined && worst >= RANK[opts.failOn] ? 1 : 0;
}
