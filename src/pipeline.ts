// Composes a source with the engine into one stream of alerts and a summary (RxJS at the edge only).

import { Observable } from 'rxjs';
import type { CaptureFact } from './capture/live/facts';
import type { FrameSink } from './frame';
import type { Alert } from './detect/alerts';
import { Engine, type EngineOptions, type StationSummary, type Summary, type SummaryHead } from './detect/engine';

/** What an analysis emits: alerts as they are raised, then one summary. */
export type AnalysisEvent = { type: 'alert'; alert: Alert } | SummaryEvent;

/** The end of an analysis: the summary, whole or as a head and its station rows. */
export interface SummaryEvent {
  type: 'summary';
  /** The whole summary, made when first read. */
  readonly summary: Summary;
  /** The summary without `stations`, and the rows one at a time: what a streaming writer reads. */
  readonly head: SummaryHead;
  rows(): Iterable<StationSummary>;
  /** How many rows `rows()` gives. */
  readonly stationCount: number;
}

function summaryEvent(engine: Engine): SummaryEvent {
  let summary: Summary | undefined;
  return {
    type: 'summary',
    get summary() {
      summary ??= engine.finish();
      return summary;
    },
    head: engine.summaryHead(),
    rows: () => engine.stationRows(),
    stationCount: engine.stations.size,
  };
}

/** What a source drives: frames, and (live) ticks that advance the packet clock through silence. */
export interface EngineInput {
  frame: FrameSink;
  /** Advance packet time to `t` epoch seconds with no frame. */
  tick(t: number): void;
  /** Live: a fact about the capture itself; the capture-health detector decides what it means. */
  capture(fact: CaptureFact): void;
}

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
  return new Observable<AnalysisEvent>((subscriber) => {
    const engine = new Engine(options, (alert) => subscriber.next({ type: 'alert', alert }));
    inspect?.(engine);
    const finish = () => subscriber.next(summaryEvent(engine));
    const input: EngineInput = { frame: (f) => engine.handleFrame(f), tick: (t) => engine.tick(t), capture: (fact) => engine.captureFact(fact) };
    return source(input).subscribe({
      complete: () => {
        finish();
        subscriber.complete();
      },
      error: (err: unknown) => {
        finish();
        subscriber.error(err);
      },
    });
  });
}
