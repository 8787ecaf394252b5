// The terminal dashboard (blessed): the analysis's alerts and the engine's stations, drawn at most ~10 times a second, with keys.

import * as blessed from 'blessed';
import type { Readable, Writable } from 'node:stream';
import type { Observable, Subscription } from 'rxjs';
import type { Severity } from '../../detect/alerts';
import type { Summary } from '../../detect/summary';
import type { AnalysisEvent } from '../../pipeline';
import type { EngineView, SortKey, StationRow } from './rows';
import { SORTS, stationRows, TextCache } from './rows';
import { blackoutLines } from './blackouts';
import { DashboardState } from './state';
import { wrap } from './format';
import { bodyLines, detailLines, footerLine, headerLine, helpLines, layout, MIN_WIDTH } from './view';

/** What the dashboard shows: one analysis, and where its stations can be read. */
export interface DashboardFeed {
  /** Named in the header: the files replayed, or the interfaces captured. */
  readonly source: string;
  /** How the source runs, in a word for the header while it runs: "x20", "max", "live". */
  readonly mode: string;
  /** `analyze()`'s events. The dashboard subscribes once, and unsubscribes when the user quits. */
  readonly events: Observable<AnalysisEvent>;
  /** The engine behind `events`, handed over by `analyze()`'s `inspect` at subscription; read only when a frame is drawn. */
  readonly engine: () => EngineView | undefined;
  /**
   * The packet time to draw at when the source knows better than the engine's clock (a replay
   * waiting through a capture hole, where the engine waits for the next frame). The later of the
   * two is drawn. Left out, the engine's clock.
   */
  readonly clock?: () => number;
  /** Frames the capture lost so far, when the source can tell (live); files leave it out. */
  readonly drops?: () => number | null;
  /**
   * Replay: `p` pauses the source itself. Live leaves it out: `p` then holds the screen still
   * while the capture and the analysis go on.
   */
  readonly pause?: (paused: boolean) => void;
}

/** Where the dashboard draws and reads keys; process.stdout and process.stdin by default. */
export interface DashboardTerminal {
  readonly input?: Readable;
  readonly output?: Writable;
  /** terminfo name; $TERM by default. */
  readonly terminal?: string;
  /** Aborting closes the dashboard as `q` does (live: SIGTERM). */
  readonly signal?: AbortSignal;
  /** Draw without colours (bold, underline and inverse stay); by default when NO_COLOR is set and not empty (no-color.org). */
  readonly noColour?: boolean;
}

/** How the dashboard ended: when the user quit (the terminal is restored by then). */
export interface DashboardResult {
  /** The analysis's summary, null when the user quit before the end of the input. */
  readonly summary: Summary | null;
  /** The error that ended the analysis (a damaged input), undefined when none. */
  readonly error: unknown;
  /** Alerts raised, by severity. */
  readonly counts: Readonly<Record<Severity, number>>;
}

/** Frames are at least this far apart: at most 10 a second. */
const FRAME_MS = 100;
/**
 * A frame may take at most 1/FRAME_BUDGET of the time, so that a huge station table makes frames
 * rarer instead of taking time from the capture or replay.
 */
const FRAME_BUDGET = 10;
/** Frames over which packets/s is measured (about a second at full rate). */
const RATE_SAMPLES = 10;

/** The smallest terminal the layout fits; below it the dashboard says so instead of clipping. */
export const MIN_SIZE = { columns: MIN_WIDTH, rows: 24 } as const;

/**
 * The colours to draw with. blessed reads tmux-256color and screen-256color as plain xterm (8
 * colours) and then draws grey (bright black) as black; xterm, tmux, screen and the Linux console
 * all take the 16 colours of SGR 90-97, so 8 becomes 16, and a `*-256color` name gets 256.
 */
export function colourCount(term: string, read: number): number {
  if (read < 8) return read;
  return Math.max(read, /-256colou?r$/.test(term) ? 256 : 16);
}

/** Tagged text without its colour tags; the selected row's background becomes inverse video. */
export function withoutColours(tagged: string): string {
  return tagged.replace(/\{(\/?)blue-bg\}/g, '{$1inverse}').replace(/\{\/?(?:black|red|green|yellow|blue|magenta|cyan|white|gray|grey)-(?:fg|bg)\}/g, '');
}

const SORT_BY_KEY = new Map<string, SortKey>(Object.entries(SORTS).map(([sort, s]) => [s.key, sort as SortKey]));

/** Opens the dashboard on `feed` and resolves when the user quits (`q`, Ctrl-C) or `signal` aborts. */
export function runDashboard(feed: DashboardFeed, term: DashboardTerminal = {}): Promise<DashboardResult> {
  const d = new Dashboard(feed, term);
  d.start();
  return d.closed;
}

export class Dashboard {
  readonly screen: blessed.Widgets.Screen;
  readonly state = new DashboardState();
  /** Resolves when the dashboard is closed and the terminal restored. */
  readonly closed: Promise<DashboardResult>;
  private readonly header: blessed.Widgets.BoxElement;
  private readonly body: blessed.Widgets.BoxElement;
  private readonly footer: blessed.Widgets.BoxElement;
  private readonly overlay: blessed.Widgets.BoxElement;
  private readonly texts = new TextCache();
  private resolve!: (r: DashboardResult) => void;
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private isClosed = false;
  private failure: unknown = undefined;
  /** Something other than the engine changed since the last frame (an alert, a key, a resize). */
  private dirty = true;
  private rows: StationRow[] = [];
  private total = 0;
  private lastPackets = -1;
  private lastClock = NaN;
  /** The sort or the filter changed since the last frame. */
  private reorder = false;
  /** Alert-log rows in the last frame: what PgUp scrolls by. */
  private logRows = 1;
  private frameCostMs = 0;
  private lastFrameAt = -Infinity;
  private readonly samples: Array<[number, number]> = [];
  private rate: number | null = null;
  private readonly noColour: boolean;

  constructor(
    private readonly feed: DashboardFeed,
    private readonly term: DashboardTerminal = {},
  ) {
    this.closed = new Promise((resolve) => (this.resolve = resolve));
    this.screen = blessed.screen({
      // @types/blessed 0.1.27 types input as a Writable and output as a Readable: swapped.
      input: (term.input ?? process.stdin) as unknown as Writable,
      output: (term.output ?? process.stdout) as unknown as Readable,
      ...(term.terminal !== undefined ? { terminal: term.terminal } : {}),
      smartCSR: true,
      warnings: false,
      title: 'netgap',
    });
    const tput = (this.screen.program as unknown as { tput: { colors: number } }).tput;
    tput.colors = colourCount(term.terminal ?? process.env.TERM ?? '', tput.colors);
    this.noColour = term.noColour ?? (process.env.NO_COLOR ?? '') !== '';
    const box = (o: blessed.Widgets.BoxOptions): blessed.Widgets.BoxElement =>
      blessed.box({ parent: this.screen, left: 0, width: '100%', tags: true, wrap: false, ...o });
    this.header = box({ top: 0, height: 1 });
    this.body = box({ top: 1, height: 1 });
    this.footer = box({ top: 0, height: 1, style: { inverse: true } });
    // No border: blessed draws borders in the ACS charset, which some terminals and tmux's capture show as letters.
    this.overlay = box({ top: 1, height: 1, wrap: true, hidden: true });
    this.screen.on('keypress', (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg) => this.onKey(ch, key));
    this.screen.on('resize', () => {
      this.dirty = true;
      this.draw();
    });
  }

  /** Subscribes to the events and starts drawing. */
  start(): void {
    this.term.signal?.addEventListener('abort', () => this.close(), { once: true });
    if (this.term.signal?.aborted === true) return this.close();
    this.subscription = this.feed.events.subscribe({
      next: (ev) => {
        if (ev.type === 'alert') this.state.onAlert(ev.alert);
        else this.state.summary = ev.summary;
        this.dirty = true;
      },
      error: (err: unknown) => {
        this.failure = err;
        this.state.error = err instanceof Error ? err.message : String(err);
        this.state.ended = true;
        this.dirty = true;
      },
      complete: () => {
        this.state.ended = true;
        this.dirty = true;
      },
    });
    this.draw();
    this.loop();
  }

  /** Stops the analysis (if still running), restores the terminal and resolves `closed`. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.subscription?.unsubscribe();
    this.screen.destroy();
    this.resolve({ summary: this.state.summary, error: this.failure, counts: { ...this.state.counts } });
  }

  /** Draws one frame now, if anything changed (the loop calls it; tests call it directly). */
  draw(): void {
    if (this.isClosed) return;
    const started = performance.now();
    const engine = this.feed.engine();
    // Paused, the table holds still; a new sort or filter still reorders it.
    if (engine !== undefined && this.state.paused && this.reorder) {
      this.rows = stationRows(engine, this.lastClock, this.texts, this.state.sort, this.state.reverse, this.state.filter);
    } else if (engine !== undefined && !this.state.paused) {
      const packets = engine.packetCount;
      const clock = Math.max(engine.clock.now, this.feed.clock?.() ?? -Infinity);
      this.measureRate(started, packets);
      if (!this.dirty && packets === this.lastPackets && clock === this.lastClock) return;
      this.lastPackets = packets;
      this.lastClock = clock;
      this.rows = stationRows(engine, clock, this.texts, this.state.sort, this.state.reverse, this.state.filter);
      this.total = engine.stations.byMac.size;
    } else if (!this.dirty) {
      return;
    }
    this.dirty = false;
    this.reorder = false;
    this.render(engine);
    this.lastFrameAt = performance.now();
    this.frameCostMs = this.lastFrameAt - started;
  }

  private loop(): void {
    const wait = Math.max(FRAME_MS, this.frameCostMs * FRAME_BUDGET);
    this.timer = setTimeout(() => {
      this.draw();
      this.loop();
    }, wait);
  }

  private measureRate(now: number, packets: number): void {
    this.samples.push([now, packets]);
    if (this.samples.length > RATE_SAMPLES) this.samples.shift();
    const [t0, p0] = this.samples[0]!;
    if (now - t0 >= FRAME_MS * 2) this.rate = ((packets - p0) * 1000) / (now - t0);
  }

  private status(): string {
    const s = this.state;
    if (s.paused) return 'PAUSED';
    if (s.error !== null) return 'INPUT ERROR';
    return s.ended ? 'ENDED' : this.feed.mode;
  }

  /** Sets a box's tagged content, without its colours under NO_COLOR. */
  private paint(box: blessed.Widgets.BoxElement, tagged: string): void {
    box.setContent(this.noColour ? withoutColours(tagged) : tagged);
  }

  private render(engine: EngineView | undefined): void {
    const width = this.screen.width as number;
    const height = this.screen.height as number;
    const s = this.state;
    if (width < MIN_SIZE.columns || height < MIN_SIZE.rows) return this.renderTooSmall(width, height);
    this.header.show();
    this.footer.show();
    this.paint(
      this.header,
      headerLine(
        {
          source: this.feed.source,
          clock: this.lastClock,
          rate: this.rate,
          drops: this.feed.drops?.() ?? null,
          counts: s.counts,
          status: this.status(),
        },
        width,
      ),
    );
    this.body.top = 1;
    this.body.height = Math.max(1, height - 2);
    this.footer.top = Math.max(0, height - 1);
    this.paint(this.footer, footerLine(s));
    if (engine === undefined) {
      this.paint(this.body, '{gray-fg}Waiting for the analysis to start.{/gray-fg}');
    } else {
      const blackouts = blackoutLines(s.blackouts, this.lastClock, s.ended, width);
      this.logRows = layout(this.body.height, blackouts.length).log;
      const body = { state: s, rows: this.rows, total: this.total, text: (row: StationRow) => this.texts.of(row.station), opts: engine.options, blackouts };
      this.paint(this.body, bodyLines(body, width, this.body.height).join('\n'));
    }
    this.renderOverlay(engine, width, height);
    this.screen.render();
  }

  /** Below the size the layout needs: the size it needs, in place of a clipped table. */
  private renderTooSmall(width: number, height: number): void {
    const need = `netgap needs a terminal of at least ${MIN_SIZE.columns}x${MIN_SIZE.rows}; this one is ${width}x${height}. Enlarge it, or q to quit.`;
    this.header.hide();
    this.footer.hide();
    this.overlay.hide();
    this.body.top = 0;
    this.body.height = Math.max(1, height);
    this.body.setContent(
      wrap(need, Math.max(1, width))
        .map((l) => `{bold}${l}{/bold}`)
        .join('\n'),
    );
    this.screen.render();
  }

  private renderOverlay(engine: EngineView | undefined, width: number, height: number): void {
    const s = this.state;
    const row = this.selectedRow();
    if (s.overlay === 'none' || engine === undefined || (s.overlay === 'detail' && row === undefined)) {
      this.overlay.hide();
      return;
    }
    this.overlay.top = 1;
    this.overlay.height = Math.max(3, height - 2);
    this.overlay.show();
    if (s.overlay === 'help') {
      this.paint(this.overlay, helpLines(engine.options).join('\n'));
    } else if (row !== undefined) {
      const text = this.texts.of(row.station);
      this.paint(this.overlay, detailLines(row, text, s.diagnoses.get(text.mac), engine.options, width, height - 2).join('\n'));
    }
  }

  private selectedRow(): StationRow | undefined {
    const sel = this.state.selected;
    return (sel === null ? undefined : this.rows.find((r) => r.station.mac === sel)) ?? this.rows[0];
  }

  private onKey(ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg): void {
    const s = this.state;
    this.dirty = true;
    if (key.full === 'C-c') return this.close();
    if (s.editing !== null) return this.onFilterKey(ch, key);
    const logRows = this.logRows;
    switch (key.full) {
      case 'escape':
        s.overlay = 'none';
        break;
      case 'enter':
        s.overlay = s.overlay === 'detail' ? 'none' : 'detail';
        if (s.overlay === 'detail') this.select(0);
        break;
      case 'up':
      case 'k':
        if (s.focus === 'log') s.scrollLog(1, logRows);
        else this.select(-1);
        break;
      case 'down':
      case 'j':
        if (s.focus === 'log') s.scrollLog(-1, logRows);
        else this.select(1);
        break;
      case 'pageup':
        s.scrollLog(logRows, logRows);
        break;
      case 'pagedown':
        s.scrollLog(-logRows, logRows);
        break;
      case 'end':
      case 'S-g':
        s.logBack = 0;
        break;
      case 'tab':
        s.focus = s.focus === 'stations' ? 'log' : 'stations';
        break;
      default:
        this.onCharKey(ch);
    }
    this.drawSoon();
  }

  /**
   * After a key: now, unless a frame was just drawn (then the loop draws it within FRAME_MS). A
   * new sort or filter is drawn at once: the next key (Enter, a move) acts on the rows as shown.
   */
  private drawSoon(): void {
    if (this.reorder || performance.now() - this.lastFrameAt >= FRAME_MS) this.draw();
  }

  private onCharKey(ch: string | undefined): void {
    const s = this.state;
    if (ch === 'q') return this.close();
    if (ch === '?') s.overlay = s.overlay === 'help' ? 'none' : 'help';
    else if (ch === '/') s.editing = s.filter;
    else if (ch === 'p') this.togglePause();
    else if (ch !== undefined && SORT_BY_KEY.has(ch)) {
      s.sortBy(SORT_BY_KEY.get(ch)!);
      this.reorder = true;
    }
  }

  private onFilterKey(ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg): void {
    const s = this.state;
    const typed = s.editing ?? '';
    if (key.full === 'enter') s.editing = null;
    else if (key.full === 'escape') {
      s.editing = null;
      s.filter = '';
    } else if (key.full === 'backspace') s.editing = typed.slice(0, -1);
    // Only printable characters are typed in; a paste of control characters is dropped.
    else if (ch !== undefined && ch.length === 1 && ch >= ' ' && ch !== '\x7f') s.editing = typed + ch;
    if (s.editing !== null) s.filter = s.editing;
    this.reorder = true;
    this.drawSoon();
  }

  /** Moves the selection by `by` rows of the current order (0 pins the row shown as selected). */
  private select(by: number): void {
    const rows = this.rows;
    if (rows.length === 0) return;
    const sel = this.state.selected;
    let i = sel === null ? 0 : rows.findIndex((r) => r.station.mac === sel);
    if (i < 0) i = 0;
    i = Math.max(0, Math.min(rows.length - 1, i + by));
    this.state.selected = rows[i]!.station.mac;
  }

  private togglePause(): void {
    const s = this.state;
    s.paused = !s.paused;
    this.feed.pause?.(s.paused);
    // Back to live on resume; while paused the log holds still (see DashboardState.onAlert).
    if (!s.paused) s.logBack = 0;
  }
}
