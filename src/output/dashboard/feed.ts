// What the dashboard is given and hands back: the analysis and its stations (feed), the terminal to draw on, the result on quit.

import type { Readable, Writable } from 'node:stream';
import type { Observable } from 'rxjs';
import type { Severity } from '../../detect/alerts';
import type { Summary } from '../../detect/summary';
import type { AnalysisEvent } from '../../pipeline';
import type { EngineView } from './rows';

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
