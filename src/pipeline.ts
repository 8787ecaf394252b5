// The analysis of analysis.ts as one RxJS stream of alerts and a summary, for live, replay and the dashboard.

import { Observable } from 'rxjs';
import { type AnalysisEvent, analyzeTo, type EngineInput } from './analysis';
import type { Engine, EngineOptions } from './detect/engine';

export type { AnalysisEvent, EngineInput, SummaryEvent } from './analysis';

/**
 * Frames reach the engine through a plain synchronous sink; RxJS carries only what is rare: the
 * source's batches (file chunks, live bursts, ticks), the alerts, and the summary at the end.
 * (Measured: one RxJS emission per frame costs more than all of the analysis.)
 *
 * `source` gets the engine's input and returns its batch-level Observable, which completes at end
 * of input or errors with an InputError. On an error, the summary of everything read before the
 * damage is emitted first, then the error: the user keeps every alert found before it.
 */
export function analyze(
  source: (input: EngineInput) => Observable<unknown>,
  options: Partial<EngineOptions> = {},
  /** Given the engine at subscription, before any frame: the dashboard reads station state from it between batches. */
  inspect?: (engine: Engine) => void,
): Observable<AnalysisEvent> {
  return new Observable<AnalysisEvent>((subscriber) =>
    analyzeTo(
      (input, end) => {
        const batches = source(input).subscribe(end);
        return () => batches.unsubscribe();
      },
      {
        alert: (alert) => subscriber.next({ type: 'alert', alert }),
        summary: (ev) => subscriber.next(ev),
        complete: () => subscriber.complete(),
        error: (err) => subscriber.error(err),
      },
      options,
      inspect,
    ),
  );
}
