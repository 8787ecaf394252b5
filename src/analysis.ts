// Composes a source with the engine: alerts as they are raised, then one summary, through plain callbacks (no RxJS).

import type { CaptureFact } from './capture/live/facts';
import type { Alert } from './detect/alerts';
import { Engine, type EngineOptions } from './detect/engine';
import type { StationSummary, Summary, SummaryHead } from './detect/summary';
import type { FrameSink } from './frame';

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

/** How a source tells the analysis that its input ended: once, at its end or with the error that stopped it. */
export interface SourceEnd {
  complete(): void;
  error(err: unknown): void;
}

/** A source: drives `input` to the end of its input, tells `end`, and returns what stops it early. */
export type AnalysisSource = (input: EngineInput, end: SourceEnd) => () => void;

/** Where an analysis reports, in this order: alerts, then the summary, then `complete` or `error`. */
export interface AnalysisHandlers {
  /** Each alert, as the engine raises it. */
  alert(alert: Alert): void;
  /** Once, when the source has ended, whether at the end of its input or with an error. */
  summary(ev: SummaryEvent): void;
  /** After the summary: the input was read to its end. */
  complete(): void;
  /** After the summary: the source's error (an InputError for damaged input). */
  error(err: unknown): void;
}

/**
 * Frames reach the engine through a plain synchronous sink, and alerts leave it through a plain
 * callback: the core of `netgap read`, which thus loads no RxJS. `analyze()` in pipeline.ts is
 * its Observable form.
 *
 * On a source error, the summary of everything read before the damage is reported first, then the
 * error: the user keeps every alert found before it. Returns what stops the analysis; after it,
 * nothing more is reported.
 */
export function analyzeTo(
  source: AnalysisSource,
  handlers: AnalysisHandlers,
  options: Partial<EngineOptions> = {},
  /** Given the engine before the source starts: the dashboard reads station state from it between batches. */
  inspect?: (engine: Engine) => void,
): () => void {
  let ended = false;
  const engine = new Engine(options, (alert) => handlers.alert(alert));
  inspect?.(engine);
  const input: EngineInput = { frame: (f) => engine.handleFrame(f), tick: (t) => engine.tick(t), capture: (fact) => engine.captureFact(fact) };
  const stopSource = source(input, {
    complete: () => {
      if (ended) return;
      ended = true;
      handlers.summary(summaryEvent(engine));
      handlers.complete();
    },
    error: (err: unknown) => {
      if (ended) return;
      ended = true;
      handlers.summary(summaryEvent(engine));
      handlers.error(err);
    },
  });
  return () => {
    ended = true;
    stopSource();
  };
}
