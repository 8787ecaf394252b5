// Test harness: a headless terminal for the dashboard, and analyses of the fixtures stopped at a chosen packet time.

import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { finalize, type Observable } from 'rxjs';
import { frameTimeS } from '../../../src/frame';
import { readCaptures } from '../../../src/capture/file/source-stream';
import type { Engine } from '../../../src/detect/engine';
import { Dashboard } from '../../../src/output/dashboard/dashboard';
import type { DashboardFeed } from '../../../src/output/dashboard/feed';
import { analyze, type AnalysisEvent } from '../../../src/pipeline';

export const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures');
/** 2025-11-22T08:00:00Z, where every generated fixture starts. */
export const T0 = Date.UTC(2025, 10, 22, 8, 0, 0) / 1000;

/** blessed's colour numbers in a cell's attribute: (flags << 18) | (fg << 9) | bg. */
export const COLOUR = { red: 1, green: 2, yellow: 3, blue: 4, gray: 8, default: 0x1ff } as const;

/** A terminal that is only memory: blessed writes its escape codes here; `screen.lines` keeps the cells. */
export class HeadlessTerminal {
  readonly input = new PassThrough();
  readonly output: Writable & { isTTY: boolean; columns: number; rows: number };
  written = '';

  constructor(columns = 80, rows = 24) {
    const out = new Writable({
      write: (chunk: Buffer | string, _enc, cb) => {
        this.written += chunk.toString();
        cb();
      },
    });
    this.output = Object.assign(out, { isTTY: true, columns, rows });
  }

  resize(columns: number, rows: number): void {
    this.output.columns = columns;
    this.output.rows = rows;
    this.output.emit('resize');
  }
}

/** An analysis of fixture `name` that sees only the frames up to `untilS` seconds after T0, with the engine it runs on. */
export function fixtureAnalysis(name: string, untilS = Infinity): { events: Observable<AnalysisEvent>; engine: () => Engine | undefined; done: Promise<void> } {
  let engine: Engine | undefined;
  let end!: () => void;
  const done = new Promise<void>((resolve) => (end = resolve));
  const events = analyze(
    (input) => readCaptures([join(FIXTURES, name)], (f) => (frameTimeS(f) <= T0 + untilS ? input.frame(f) : undefined)),
    {},
    (e) => (engine = e),
  ).pipe(finalize(end));
  return { events, engine: () => engine, done };
}

/** A dashboard on a headless terminal; `text()` and `row()` read what it drew. */
export class Harness {
  readonly term: HeadlessTerminal;
  readonly dashboard: Dashboard;

  constructor(feed: DashboardFeed, columns = 80, rows = 24) {
    this.term = new HeadlessTerminal(columns, rows);
    this.dashboard = new Dashboard(feed, { input: this.term.input, output: this.term.output, terminal: 'xterm-256color' });
  }

  /** Opens it on a fixture analysed up to `untilS` seconds after T0, and waits for that analysis to end. */
  static async fixture(name: string, untilS = Infinity, columns = 80, rows = 24, extra: Partial<DashboardFeed> = {}): Promise<Harness> {
    const a = fixtureAnalysis(name, untilS);
    const h = new Harness({ source: name, mode: 'test', events: a.events, engine: a.engine, ...extra }, columns, rows);
    h.dashboard.start();
    await a.done;
    h.dashboard.draw();
    return h;
  }

  /** The screen's rows as text. */
  lines(): string[] {
    return this.dashboard.screen.lines.map((row) => row.map((cell) => cell[1]).join(''));
  }

  text(): string {
    return this.lines().join('\n');
  }

  /** The screen as one line: rows trimmed and joined by a space, so that word-wrapped text reads whole. */
  flat(): string {
    return this.lines()
      .map((l) => l.trim())
      .join(' ');
  }

  /** The first row that contains `needle`, with its index. */
  row(needle: string): { y: number; text: string } {
    const y = this.lines().findIndex((l) => l.includes(needle));
    if (y < 0) throw new Error(`no row contains ${JSON.stringify(needle)}:\n${this.text()}`);
    return { y, text: this.lines()[y]! };
  }

  /** Foreground colour number of the cell at (x, y). */
  fg(x: number, y: number): number {
    return (this.dashboard.screen.lines[y]![x]![0] >> 9) & 0x1ff;
  }

  /** Types `keys` (raw terminal bytes), lets blessed read them, and draws. */
  async press(...keys: string[]): Promise<void> {
    for (const k of keys) {
      this.term.input.write(k);
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.dashboard.draw();
  }

  close(): void {
    this.dashboard.close();
  }
}

/** Raw bytes of keys as a terminal sends them. */
export const KEY = { up: '\x1b[A', down: '\x1b[B', enter: '\r', escape: '\x1b', tab: '\t', pageUp: '\x1b[5~', end: '\x1b[F', ctrlC: '\x03' } as const;
