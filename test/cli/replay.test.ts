// The replay behind `netgap read --tui`: paced on packet time batch by batch, with the same alerts as reading straight through.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { lastValueFrom, map, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/capture/input-error';
import { readCaptures } from '../../src/capture/file/source-stream';
import type { Alert } from '../../src/detect/alerts';
import type { Engine } from '../../src/detect/engine';
import type { Summary } from '../../src/detect/summary';
import { replaySource, runReplay } from '../../src/cli/replay';
import { ReplayPacer } from '../../src/capture/file/replay-pacer';
import { analyze, type AnalysisEvent } from '../../src/pipeline';
import { HeadlessTerminal } from '../output/dashboard/harness';
import { runCli } from '../cli-run';
import { FIXTURES } from '../repo';

const fixture = (name: string): string => join(FIXTURES, name);

/** An event as plain data, to compare: the summary event's whole summary, not its row generator. */
type Compared = { type: 'alert'; alert: Alert } | { type: 'summary'; summary: Summary };
const compared = (ev: AnalysisEvent): Compared => (ev.type === 'alert' ? ev : { type: 'summary', summary: ev.summary });

/** `netgap read`'s analysis of the files: the reference. */
function straight(files: string[]): Promise<Compared[]> {
  return lastValueFrom(analyze((input) => readCaptures(files, input.frame)).pipe(map(compared), toArray()));
}

interface Replay {
  events: Promise<Compared[]>;
  engine: () => Engine;
  pacer: () => ReplayPacer;
}

function replay(files: string[], speed: number): Replay {
  let engine: Engine | undefined;
  let pacer: ReplayPacer | undefined;
  const events = lastValueFrom(
    analyze(
      (input) => {
        pacer = new ReplayPacer(speed, input, engine!.clock.holeMinS);
        return replaySource(files, pacer);
      },
      {},
      (e) => (engine = e),
    ).pipe(map(compared), toArray()),
  );
  return { events, engine: () => engine!, pacer: () => pacer! };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a paced replay', () => {
  it("takes the capture's duration divided by the speed, and raises exactly the alerts of reading it straight through", { timeout: 20_000 }, async () => {
    // xp-600s spans 1,469 s of packet time: about 0.73 s at 2000x.
    const started = performance.now();
    const events = await replay([fixture('xp-600s.pcap')], 2000).events;
    const took = performance.now() - started;
    expect(events).toStrictEqual(await straight([fixture('xp-600s.pcap')]));
    expect(took).toBeGreaterThan(650);
    expect(took).toBeLessThan(5000);
  });

  it('hands each frame over once the replay clock has reached it, and lets the drawn clock run through a capture hole', { timeout: 20_000 }, async () => {
    // capture-hole: 429 s with no frame from anyone, from 249 s on; at 1000x that is 0.43 s of waiting.
    const r = replay([fixture('capture-hole.pcap')], 1000);
    const seen: number[] = [];
    let done = false;
    void r.events.then(() => (done = true));
    let lag = 0;
    while (!done) {
      await sleep(15);
      const e = r.engine();
      const p = r.pacer();
      if (e === undefined || p === undefined) continue;
      seen.push(Math.max(e.clock.now, p.displayTime()));
      // The engine is never ahead of the replay clock (a frame waits for it).
      lag = Math.max(lag, e.clock.now - p.replayTime());
    }
    expect(lag).toBeLessThanOrEqual(0);
    const first = seen.find(Number.isFinite)!;
    const inHole = seen.filter((t) => t > first + 249.3 + 50 && t < first + 678.5 - 50);
    // The clock moved inside the hole several times (about every 100 ms, i.e. every 100 s of packet time).
    expect(new Set(inHole).size).toBeGreaterThanOrEqual(2);
    expect(await r.events).toStrictEqual(await straight([fixture('capture-hole.pcap')]));
  });

  it('holds the replay clock and the reading while paused, and goes on when resumed', { timeout: 20_000 }, async () => {
    const r = replay([fixture('xp-600s.pcap')], 1000);
    await sleep(300);
    r.pacer().pause(true);
    await sleep(50);
    const clock = r.engine().clock.now;
    const packets = r.engine().packetCount;
    const replayTime = r.pacer().replayTime();
    await sleep(400);
    expect(r.engine().clock.now).toBe(clock);
    expect(r.engine().packetCount).toBe(packets);
    expect(r.pacer().replayTime()).toBe(replayTime);
    r.pacer().pause(false);
    expect(await r.events).toStrictEqual(await straight([fixture('xp-600s.pcap')]));
  });
});

describe('a replay at speed 0', () => {
  it('goes as fast as it can, with the same alerts', async () => {
    const started = performance.now();
    const events = await replay([fixture('hyperv-mix.pcap')], 0).events;
    expect(performance.now() - started).toBeLessThan(2000);
    expect(events).toStrictEqual(await straight([fixture('hyperv-mix.pcap')]));
  });

  it('still waits while paused', async () => {
    const r = replay([fixture('hyperv-mix.pcap')], 0);
    r.pacer().pause(true);
    await sleep(100);
    expect(r.engine().packetCount).toBe(0);
    r.pacer().pause(false);
    expect(await r.events).toStrictEqual(await straight([fixture('hyperv-mix.pcap')]));
  });
});

describe('the inputs of a replay', () => {
  it('reads several files as one timeline, and gzip-compressed files, as netgap read does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netgap-replay-'));
    const gz = join(dir, 'vista.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('vista-15-45s.pcap'))));
    const files = [fixture('silent.pcap'), gz];
    expect(await replay(files, 0).events).toStrictEqual(await straight(files));
  });

  it('names the file in an input error, not the stream it was read through, with the same words as netgap read', async () => {
    const bad = fixture('corpus/truncated-linuxsll-arp-at500.pcap');
    const expected = await lastValueFrom(analyze((input) => readCaptures([bad], input.frame))).catch((e: unknown) => e);
    const got = await replay([bad], 0).events.catch((e: unknown) => e);
    expect(got).toBeInstanceOf(InputError);
    expect((got as InputError).message).toBe((expected as InputError).message);
    const missing = await replay([join(FIXTURES, 'no-such.pcap')], 5).events.catch((e: unknown) => e);
    expect((missing as InputError).message).toBe(`${join(FIXTURES, 'no-such.pcap')}: byte 0: cannot open: no such file`);
  });
  it('replays the files named after a damaged one, and errors with the damage at the end, as netgap read does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netgap-replay-'));
    const gz = join(dir, 'vista.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('vista-15-45s.pcap'))));
    const files = [fixture('corpus/truncated-linuxsll-arp-at500.pcap'), gz, join(dir, 'no-such.pcap'), fixture('silent.pcap')];
    const until = <T>(events: Promise<T[]>, collected: T[]): Promise<{ events: T[]; error: unknown }> =>
      events.then(
        (all) => ({ events: all, error: null }),
        (error: unknown) => ({ events: collected, error }),
      );
    const read: Compared[] = [];
    const reference = await until(
      new Promise<Compared[]>((resolve, reject) =>
        analyze((input) => readCaptures(files, input.frame))
          .pipe(map(compared))
          .subscribe({ next: (e) => read.push(e), error: reject, complete: () => resolve(read) }),
      ),
      read,
    );
    let engine: Engine | undefined;
    const replayed: Compared[] = [];
    const damaged: InputError[] = [];
    const got = await until(
      new Promise<Compared[]>((resolve, reject) =>
        analyze(
          (input) => replaySource(files, new ReplayPacer(0, input, engine!.clock.holeMinS), damaged),
          {},
          (e) => (engine = e),
        )
          .pipe(map(compared))
          .subscribe({ next: (e) => replayed.push(e), error: reject, complete: () => resolve(replayed) }),
      ),
      replayed,
    );
    expect(got.events).toStrictEqual(reference.events);
    expect((got.events.at(-1) as { summary: Summary }).summary.packets).toBeGreaterThan(0);
    expect(got.error).toBe(damaged[0]);
    expect(damaged.map((e) => e.reason)).toEqual(['header-cut-short', 'no-such-file']);
    expect((reference.error as InputError).message).toBe(damaged[0]!.message);
  });
});

describe('runReplay', () => {
  const OPTS = { arpThreshold: 300, arpWarn: 240, maxStations: 65536, responseTimeout: 1, blackoutMin: 1, maxHosts: 65536, maxRequests: 65536, speed: 0 };

  async function run(file: string, opts: Partial<typeof OPTS> & { failOn?: 'warning' | 'critical' }, until: string): Promise<{ code: number; stderr: string }> {
    const term = new HeadlessTerminal();
    let stderr = '';
    const err = new Writable({
      write: (c: Buffer, _e, cb) => {
        stderr += c.toString();
        cb();
      },
    });
    const code = runReplay([file], { ...OPTS, ...opts }, { stdin: term.input, stdout: term.output, stderr: err });
    while (!term.written.includes(until)) await sleep(20);
    expect(stderr).toBe('');
    term.input.write('q');
    return { code: await code, stderr };
  }

  it('keeps the dashboard open at the end until q, then returns 0, or 1 when --fail-on matched', async () => {
    expect(await run(fixture('vista-15-45s.pcap'), { failOn: 'warning' }, 'ENDED')).toStrictEqual({ code: 0, stderr: '' });
    expect(await run(fixture('xp-600s.pcap'), { failOn: 'critical' }, 'ENDED')).toStrictEqual({ code: 1, stderr: '' });
  });

  it('prints an input error on stderr once the terminal is restored, and returns 2', async () => {
    const bad = fixture('corpus/truncated-linuxsll-arp-at500.pcap');
    const expected = (await lastValueFrom(analyze((input) => readCaptures([bad], input.frame))).catch((e: unknown) => e)) as InputError;
    expect(await run(bad, {}, 'INPUT ERROR')).toStrictEqual({ code: 2, stderr: `netgap: ${expected.message}\n` });
  });
});

describe('netgap read --tui on the command line', () => {
  const netgap = (...args: string[]) => runCli(['read', ...args], { timeoutMs: 30_000 });

  it('refuses, with exit 2 and one line, what it cannot do: --speed alone, --json, stdin, no terminal, a negative speed', () => {
    const xp = fixture('xp-600s.pcap');
    expect(
      [netgap(xp, '--speed', '2'), netgap(xp, '--tui', '--json'), netgap('-', '--tui'), netgap(xp, '--tui'), netgap(xp, '--tui', '--speed', '-1')].map((r) => [
        r.status,
        r.stderr,
      ]),
    ).toStrictEqual([
      [2, 'netgap: error: --speed 2 needs --tui\n'],
      [2, 'netgap: error: --tui and --json exclude each other\n'],
      [2, 'netgap: error: --tui reads its keys from the terminal: give capture files, not -\n'],
      [2, 'netgap: error: --tui needs a terminal\n'],
      [2, "netgap: error: option '--speed <n>' argument '-1' is invalid. expected a number >= 0 (0: as fast as possible)\n"],
    ]);
  });
});
