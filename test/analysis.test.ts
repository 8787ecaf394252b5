// The plain analysis core: alerts, then one summary, then the end or the error; analyze() in pipeline.ts is the same as an Observable.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { type AnalysisEvent, type AnalysisSource, analyzeTo } from '../src/analysis';
import { readCapturesTo } from '../src/capture/file/source';
import { readCaptures } from '../src/capture/file/source-stream';
import { InputError } from '../src/capture/input-error';
import { analyze } from '../src/pipeline';
import { FIXTURES } from './repo';

const XP = join(FIXTURES, 'xp-600s.pcap');

/** What the handlers were told, in order: `alert <kind>`, `summary`, `complete` or `error`. */
interface Told {
  calls: string[];
  events: AnalysisEvent[];
  error?: unknown;
}

function fileSource(files: string[]): AnalysisSource {
  return (input, end) => {
    const reading = readCapturesTo(files, input.frame);
    reading.done.then(end.complete, end.error);
    return reading.cancel;
  };
}

function analyzeFiles(files: string[]): Promise<Told> {
  const told: Told = { calls: [], events: [] };
  return new Promise((resolve) => {
    analyzeTo(fileSource(files), {
      alert: (alert) => {
        told.calls.push(`alert ${alert.kind}`);
        told.events.push({ type: 'alert', alert });
      },
      summary: (ev) => {
        told.calls.push('summary');
        told.events.push(ev);
      },
      complete: () => {
        told.calls.push('complete');
        resolve(told);
      },
      error: (err) => {
        told.calls.push('error');
        told.error = err;
        resolve(told);
      },
    });
  });
}

/** Alerts as records and the whole summary: what two analyses are compared by. */
function comparable(events: AnalysisEvent[]): unknown[] {
  return events.map((ev) => (ev.type === 'alert' ? ev.alert : ev.summary));
}

describe('analyzeTo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-analysis-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each alert, then one summary, then the end', async () => {
    const told = await analyzeFiles([XP]);
    expect(told.calls.filter((c) => c.startsWith('alert')).length).toBeGreaterThan(0);
    expect(told.calls.slice(-2)).toEqual(['summary', 'complete']);
    expect(told.calls.indexOf('summary')).toBe(told.calls.length - 2);
  });

  it('on damaged input, reports the summary of everything before the damage, then the InputError', async () => {
    const pcap = readFileSync(XP);
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, pcap.subarray(0, Math.floor(pcap.length * 0.9)));
    const told = await analyzeFiles([cut]);
    expect(told.calls.slice(-2)).toEqual(['summary', 'error']);
    expect(told.error).toBeInstanceOf(InputError);
    expect(told.calls.filter((c) => c.startsWith('alert')).length).toBeGreaterThan(0);
    const summary = told.events.at(-1)!;
    expect(summary.type === 'summary' && summary.summary.packets).toBeGreaterThan(0);
  });

  it('reports nothing more once stopped', async () => {
    const calls: string[] = [];
    let frames = 0;
    const stop = analyzeTo(
      (input, end) => {
        const reading = readCapturesTo(
          [XP],
          (f) => {
            frames++;
            input.frame(f);
          },
          { readBytes: 1024 },
        );
        reading.done.then(end.complete, end.error);
        return reading.cancel;
      },
      { alert: () => calls.push('alert'), summary: () => calls.push('summary'), complete: () => calls.push('complete'), error: () => calls.push('error') },
    );
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    const atStop = frames;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(frames).toBe(atStop);
    expect(calls.filter((c) => c !== 'alert')).toEqual([]);
  });

  it('takes the first end a source reports and ignores any later one', () => {
    const calls: string[] = [];
    analyzeTo(
      (_input, end) => {
        end.complete();
        end.error(new Error('late'));
        end.complete();
        return () => undefined;
      },
      { alert: () => calls.push('alert'), summary: () => calls.push('summary'), complete: () => calls.push('complete'), error: () => calls.push('error') },
    );
    expect(calls).toEqual(['summary', 'complete']);
  });
});

describe('analyze', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-analyze-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('emits what analyzeTo reports: the alerts, then the summary, then completes', async () => {
    const plain = await analyzeFiles([XP]);
    const events = await lastValueFrom(analyze((input) => readCaptures([XP], input.frame)).pipe(toArray()));
    expect(comparable(events)).toEqual(comparable(plain.events));
  });

  it('emits the summary of everything before the damage, then errors with the InputError', async () => {
    const pcap = readFileSync(XP);
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, pcap.subarray(0, Math.floor(pcap.length * 0.9)));
    const plain = await analyzeFiles([cut]);
    const events: AnalysisEvent[] = [];
    const error = await new Promise<unknown>((resolve) =>
      analyze((input) => readCaptures([cut], input.frame)).subscribe({ next: (ev) => events.push(ev), complete: () => resolve(undefined), error: resolve }),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe((plain.error as InputError).message);
    expect(events.at(-1)!.type).toBe('summary');
    expect(comparable(events)).toEqual(comparable(plain.events));
  });
});
