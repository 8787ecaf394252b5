// `netgap read --tui`: replays captures into the dashboard at N times real time, paced batch by batch on packet time.

import { basename } from 'node:path';
import { catchError, concat, defer, EMPTY, finalize, type Observable, throwError } from 'rxjs';
import { InputError } from '../capture/input-error';
import { PACED_READ_BYTES, pacedSlices, ReplayPacer } from '../capture/file/replay-pacer';
import { readCapture } from '../capture/file/source-stream';
import type { Engine } from '../detect/engine';
import { runDashboard } from '../output/dashboard/dashboard';
import { analyze } from '../pipeline';
import { EXIT, type ExitCode } from './exit-codes';
import { type Io, processIo } from './io';
import { engineOptions, type ReadOptions } from './options';
import { stderrLine } from '../output/journal';

export interface ReplayOptions extends ReadOptions {
  /** Times real time; 0 replays as fast as possible. */
  speed: number;
}

/** File reads at full speed: the size `netgap read` uses. */
const FAST_READ_BYTES = 1024 * 1024;

/**
 * The captures as one paced timeline. Each file is read from the pacer's slices, which await
 * every read: that is where a read waits for the pacer. A damaged file ends only itself, as in
 * `netgap read`: the files after it are replayed, then the timeline errors with the first damage;
 * `damaged` collects each damaged file's error.
 */
export function replaySource(files: readonly string[], pacer: ReplayPacer, damaged: InputError[] = []): Observable<unknown> {
  const readBytes = pacer.speed === 0 ? FAST_READ_BYTES : PACED_READ_BYTES;
  const each = files.map((file) =>
    readCapture(file, pacedSlices(file, pacer, readBytes), pacer.frame).pipe(
      catchError((err: unknown) => {
        if (!(err instanceof InputError)) throw err;
        damaged.push(err);
        return EMPTY;
      }),
    ),
  );
  const end = defer(() => (damaged.length > 0 ? throwError(() => damaged[0]) : EMPTY));
  return concat(...each, end).pipe(finalize(() => pacer.stop()));
}

/**
 * Replays `files` in the dashboard until the user quits, then returns the exit code: INPUT after an
 * input that could not be read to its end (its error printed once the terminal is restored),
 * ALERTED when `--fail-on` matched an alert, else OK.
 */
export async function runReplay(files: string[], opts: ReplayOptions, io: Io = processIo()): Promise<ExitCode> {
  let engine: Engine | undefined;
  let pacer: ReplayPacer | undefined;
  const damaged: InputError[] = [];
  const events = analyze(
    // `inspect` below runs first, so the engine is there when the source is made.
    (input) => {
      pacer = new ReplayPacer(opts.speed, input, engine!.clock.holeMinS);
      return replaySource(files, pacer, damaged);
    },
    engineOptions(opts),
    (e) => (engine = e),
  );
  const result = await runDashboard(
    {
      source: files.map((f) => basename(f)).join(' '),
      mode: opts.speed === 0 ? 'max' : `x${opts.speed}`,
      events,
      engine: () => engine,
      clock: () => pacer?.displayTime() ?? -Infinity,
      pause: (paused) => pacer?.pause(paused),
    },
    { input: io.stdin, output: io.stdout },
  );
  if (result.error !== undefined) {
    if (!(result.error instanceof InputError)) throw result.error;
    for (const err of damaged.length > 0 ? damaged : [result.error]) io.stderr.write(stderrLine('err', err.message));
    return EXIT.INPUT;
  }
  const c = result.counts;
  const matched = opts.failOn === 'critical' ? c.critical > 0 : opts.failOn === 'warning' ? c.critical + c.warning > 0 : false;
  return matched ? EXIT.ALERTED : EXIT.OK;
}
