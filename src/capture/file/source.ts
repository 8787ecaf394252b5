// Capture inputs (files, `-` for stdin; pcap or pcapng, gzip-compressed or not) read in order as one timeline: the plain core, no RxJS.

import type { FrameSink } from '../../frame';
import { InputError } from '../input-error';
import { CaptureInput } from './capture-input';
import type { ReadProgress } from './capture-input';
import type { Emit } from './readers';
import { isRegularFile, READ_BYTES, readAgain, readFile, readStream, STDIN_PATH, stdinIsPipe } from './readers';

export type { ReadProgress } from './capture-input';
export type { CaptureFormat } from './sniff';

export interface ReadOptions {
  /** What `-` reads (default: process.stdin). */
  readonly stdin?: AsyncIterable<Uint8Array>;
  /** Size of the reused file read buffer, bytes (default 1 MiB). */
  readonly readBytes?: number;
  /**
   * Asked after each chunk; the reading waits for the promise it returns, if any: how a consumer
   * that cannot keep up (output to a slow pipe) holds the reading back instead of queueing.
   */
  readonly holdBack?: () => Promise<void> | undefined;
  /** pcapng: analyse only the interfaces (pktmon components) whose IDB if_name contains this, or whose index in the section it is. */
  readonly interfaceFilter?: string;
}

/** Told once per chunk read, and once more with `done: true` when an input was read to its end. */
export type ProgressListener = (progress: ReadProgress) => void;

/** A reading under way. */
export interface Reading {
  /**
   * Resolves after the last input was read to its end, or once cancelled. A damaged input ends
   * only its own reading (every frame before the damage delivered): the inputs after it are still
   * read, and then `done` rejects with the first damaged input's `InputError`. Always handle its rejection.
   */
  readonly done: Promise<void>;
  /** The `InputError` of every damaged input so far, in input order (the first is the one `done` rejects with). */
  readonly damaged: readonly InputError[];
  /** Stops the reading and closes the file; nothing more reaches the sink or the listener, and `done` resolves. */
  cancel(): void;
}

/** One input to read: its name (as errors and progress name it) and, if given, its bytes. */
interface Named {
  readonly name: string;
  readonly bytes: AsyncIterable<Uint8Array> | null;
}

/**
 * Reads the inputs one after another into `sink`, synchronously per frame, and tells `onProgress`
 * per chunk. A plain core with no RxJS, so that `netgap read` does not load it: the Observable
 * form is `readCaptures` in source-stream.ts.
 */
export function readCapturesTo(names: readonly string[], sink: FrameSink, opts: ReadOptions = {}, onProgress?: ProgressListener): Reading {
  return readNamed(
    names.map((name) => ({ name, bytes: null })),
    sink,
    opts,
    onProgress,
  );
}

/**
 * Reads one input named `name` from `bytes` (a stream the caller controls, e.g. a paced replay):
 * progress and errors carry `name`. Otherwise as readCapturesTo.
 */
export function readCaptureTo(
  name: string,
  bytes: AsyncIterable<Uint8Array>,
  sink: FrameSink,
  opts: Omit<ReadOptions, 'stdin'> = {},
  onProgress?: ProgressListener,
): Reading {
  return readNamed([{ name, bytes }], sink, opts, onProgress);
}

function readNamed(inputs: readonly Named[], sink: FrameSink, opts: ReadOptions, onProgress: ProgressListener | undefined): Reading {
  let input: CaptureInput | null = null;
  let stopped = false;
  const damaged: InputError[] = [];
  const readAll = async (): Promise<void> => {
    for (const { name, bytes } of inputs) {
      if (stopped) return;
      const rereadable = bytes === null && name !== '-' && isRegularFile(name);
      const current = new CaptureInput(name, sink, rereadable ? () => readAgain(name) : null, opts.interfaceFilter ?? null);
      input = current;
      try {
        await readInput(current, bytes, opts, () => {
          onProgress?.(current.progress(false));
          return opts.holdBack?.();
        });
      } catch (err) {
        if (current.cancelled) return;
        const explained = current.explain(err);
        if (!(explained instanceof InputError)) throw explained;
        // Damage ends this input, not the reading: the inputs named after it are read all the same.
        damaged.push(explained);
        continue;
      }
      if (current.cancelled) return;
      onProgress?.(current.progress(true));
    }
    if (damaged.length > 0) throw damaged[0];
  };
  return {
    done: readAll(),
    damaged,
    cancel: () => {
      stopped = true;
      input?.cancel();
    },
  };
}

/** One input, read to its end into its parser. */
function readInput(input: CaptureInput, bytes: AsyncIterable<Uint8Array> | null, opts: ReadOptions, emit: Emit): Promise<void> {
  if (bytes !== null) return readStream(input, bytes, emit);
  if (input.file !== '-') return readFile(input, input.file, opts.readBytes ?? READ_BYTES, emit);
  if (opts.stdin === undefined && stdinIsPipe()) return readFile(input, STDIN_PATH, opts.readBytes ?? READ_BYTES, emit);
  return readStream(input, opts.stdin ?? process.stdin, emit);
}
