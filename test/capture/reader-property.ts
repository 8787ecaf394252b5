// The properties both capture readers keep under hostile input, checked with fast-check: frames or the one InputError, cut files give a prefix.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES as FIXTURES_DIR } from '../repo';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Frame } from '../../src/frame';
import { InputError } from '../../src/capture/input-error';
import type { Alert } from '../../src/detect/alerts';
import { Engine } from '../../src/detect/engine';
import { sanitize } from '../../src/output/sanitize';
import { fuzzParams } from '../fuzz/settings';
import type { PushParser } from './frame-log';

export type MakeParser = (sink: (f: Frame) => void) => PushParser;

const FIXTURES = FIXTURES_DIR;

/** Generated fixtures of one format (fixtures/generate.ts), read once. */
export function fixtures(ext: 'pcap' | 'pcapng', names: readonly string[]): Buffer[] {
  return names.map((n) => readFileSync(join(FIXTURES, `${n}.${ext}`)));
}

/** What reading an input gave: its alerts (as JSON lines), the frame count, and how it ended. */
interface Run {
  alerts: string[];
  frames: number;
  error: InputError | null;
}

/** Reads `bytes` pushed in chunks cut at `cuts` (sorted offsets) through a parser into an Engine. */
function run(make: MakeParser, bytes: Buffer, cuts: readonly number[] = []): Run {
  const alerts: string[] = [];
  const engine = new Engine({}, (a: Alert) => alerts.push(JSON.stringify(a)));
  let frames = 0;
  const parser = make((f) => {
    // A frame lies inside the buffer it is handed in.
    if (!(f.off >= 0 && f.capLen >= 0 && f.off + f.capLen <= f.buf.length))
      throw new Error(`frame [${f.off}, ${f.off + f.capLen}) outside its ${f.buf.length}-byte buffer`);
    frames++;
    engine.handleFrame(f);
  });
  let error: InputError | null = null;
  try {
    let prev = 0;
    for (const cut of [...cuts, bytes.length]) {
      if (cut < prev) continue;
      // Each chunk a fresh copy: no frame may see bytes of a later chunk.
      parser.push(Buffer.from(bytes.subarray(prev, cut)));
      prev = cut;
    }
    parser.end();
  } catch (err) {
    // The one documented failure; anything else (a RangeError, a TypeError) fails the property.
    if (!(err instanceof InputError)) throw err;
    error = err;
  }
  return { alerts, frames, error };
}

/** An InputError as the CLI prints it: one line, no control byte, an offset inside the input. */
function expectOneCleanLine(err: InputError, inputLength: number): void {
  expect(sanitize(err.message)).toBe(err.message);
  expect(err.offset).toBeGreaterThanOrEqual(0);
  expect(err.offset).toBeLessThanOrEqual(inputLength);
}

/** `file` damaged: a few bytes or 32-bit fields overwritten (lengths, magics, ids), maybe cut. */
function damaged(files: readonly Buffer[]): fc.Arbitrary<Buffer> {
  const edit = fc.oneof(
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([pos, v]) => (b: Buffer) => {
      if (b.length > 0) b[pos % b.length] = v;
    }),
    fc.tuple(fc.nat(), fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x0a0d0d0a, 0x1a2b3c4d, 12, 28)).map(([pos, v]) => (b: Buffer) => {
      if (b.length >= 4) b.writeUInt32LE(v >>> 0, (pos % (b.length - 3)) & ~3);
    }),
  );
  return fc
    .tuple(fc.constantFrom(...files), fc.array(edit, { minLength: 1, maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }))
    .map(([file, edits, cut]) => {
      const b = Buffer.from(file);
      for (const e of edits) e(b);
      return cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
    });
}

/** Sorted chunk boundaries for an input of up to `max` bytes. */
const cutsArb = fc.array(fc.nat(80_000), { maxLength: 6 }).map((c) => [...c].sort((a, b) => a - b));

/**
 * Damaged captures, pushed in random chunks: the reader delivers frames inside their buffers,
 * then either ends or throws the one InputError, a clean line; and the chunking changes nothing.
 */
export function checkDamaged(make: MakeParser, files: readonly Buffer[]): void {
  fc.assert(
    fc.property(damaged(files), cutsArb, (bytes, cuts) => {
      const whole = run(make, bytes);
      if (whole.error !== null) expectOneCleanLine(whole.error, bytes.length);
      const chunked = run(make, bytes, cuts);
      expect(chunked.frames).toBe(whole.frames);
      expect(chunked.alerts).toEqual(whole.alerts);
      expect(chunked.error?.message ?? null).toBe(whole.error?.message ?? null);
    }),
    fuzzParams(0.25),
  );
}

/**
 * A capture cut anywhere gives a prefix of the whole capture's alerts and frames, then (unless
 * the cut fell between records) the one InputError, at or before the cut.
 */
export function checkCutPrefix(make: MakeParser, files: readonly Buffer[]): void {
  const wholes = new Map(files.map((f) => [f, run(make, f)]));
  for (const w of wholes.values()) expect(w.error).toBe(null);
  fc.assert(
    fc.property(fc.constantFrom(...files), fc.nat(), cutsArb, (file, at, cuts) => {
      const whole = wholes.get(file)!;
      const cut = at % (file.length + 1);
      const part = run(make, file.subarray(0, cut), cuts);
      expect(part.frames).toBeLessThanOrEqual(whole.frames);
      expect(part.alerts).toEqual(whole.alerts.slice(0, part.alerts.length));
      // No error only when the cut fell between two records, and never for an empty input.
      if (part.error !== null) expectOneCleanLine(part.error, cut);
      else expect(cut).toBeGreaterThan(0);
    }),
    fuzzParams(0.25),
  );
}
