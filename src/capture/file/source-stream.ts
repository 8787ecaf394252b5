// The capture inputs of source.ts as an RxJS Observable of read progress, for live, replay and the dashboard.

import { Observable } from 'rxjs';
import type { FrameSink } from '../../frame';
import { type Reading, type ReadOptions, type ReadProgress, readCaptureTo, readCapturesTo } from './source';

/**
 * Reads the inputs one after another into `sink`, synchronously per frame. The Observable
 * emits a `ReadProgress` per chunk, completes after the last input, or, when an input was damaged,
 * errors with its `InputError` after the last input (a damaged input ends only itself: every frame
 * before the damage and every later input are delivered). Unsubscribing stops the reading and closes the file.
 */
export function readCaptures(names: readonly string[], sink: FrameSink, opts: ReadOptions = {}): Observable<ReadProgress> {
  return new Observable<ReadProgress>((subscriber) =>
    settle(
      readCapturesTo(names, sink, opts, (p) => subscriber.next(p)),
      subscriber,
    ),
  );
}

/**
 * Reads one input named `name` from `bytes` (a stream the caller controls, e.g. a paced replay):
 * progress and errors carry `name`. Otherwise as readCaptures.
 */
export function readCapture(name: string, bytes: AsyncIterable<Uint8Array>, sink: FrameSink, opts: Omit<ReadOptions, 'stdin'> = {}): Observable<ReadProgress> {
  return new Observable<ReadProgress>((subscriber) =>
    settle(
      readCaptureTo(name, bytes, sink, opts, (p) => subscriber.next(p)),
      subscriber,
    ),
  );
}

/** Ends the subscriber as the reading ends, and returns the teardown that cancels it. */
function settle(reading: Reading, subscriber: { complete(): void; error(err: unknown): void }): () => void {
  reading.done.then(
    () => subscriber.complete(),
    (err: unknown) => subscriber.error(err),
  );
  return () => reading.cancel();
}
