// The dashboard's state: what the analysis said (alerts, counts, the end) and what the user chose (sort, filter, selection, scroll, views).

import type { Alert, Severity } from '../../detect/alerts';
import type { Summary } from '../../detect/summary';
import { isStationAlert, renderAlert } from '../alert-renderer';
import { describe } from '../describe';
import { Blackouts } from './blackouts';
import type { SortKey } from './rows';

/** Alerts kept for the log (between this and twice this); older ones go (the NDJSON output keeps them all). */
export const ALERT_LOG_MAX = 1000;
/** Stations whose latest alert is remembered for the detail view; the oldest is forgotten beyond. */
export const DIAGNOSIS_MAX = 65536;

/** One line of the alert log: the alert, and its text line (sanitized by `renderAlert`). */
export interface LoggedAlert {
  readonly alert: Alert;
  readonly line: string;
}

/** What the detail view says about a station: its latest alert, and the latest advice it was given. */
export interface Diagnosis {
  readonly alert: Alert;
  readonly message: string;
  /** The most recent non-empty advice for this station ('' when none was ever given). */
  readonly advice: string;
}

export type Focus = 'stations' | 'log';
export type Overlay = 'none' | 'help' | 'detail';

export class DashboardState {
  readonly log: LoggedAlert[] = [];
  readonly counts: Record<Severity, number> = { info: 0, warning: 0, critical: 0 };
  /** Per station MAC (colon hex). */
  readonly diagnoses = new Map<string, Diagnosis>();
  readonly blackouts = new Blackouts();
  /** The summary that ended the analysis, null while it runs. */
  summary: Summary | null = null;
  /** Why the analysis stopped early (a damaged input), null when it did not. */
  error: string | null = null;
  /** The analysis has ended (completed or failed): the dashboard stays open until `q`. */
  ended = false;

  sort: SortKey = 'age';
  reverse = false;
  filter = '';
  /** The filter being typed after `/`, null when not editing. */
  editing: string | null = null;
  /** The selected station's MAC (it stays selected while the order changes); null selects the first row. */
  selected: number | null = null;
  /** First station row shown. */
  stationTop = 0;
  /** Log lines scrolled back from the newest; 0 follows new alerts ("live"). */
  logBack = 0;
  focus: Focus = 'stations';
  overlay: Overlay = 'none';
  paused = false;

  onAlert(alert: Alert): void {
    this.counts[alert.severity]++;
    this.log.push({ alert, line: renderAlert(alert, 'text') });
    this.blackouts.onAlert(alert);
    // Scrolled back or paused, the reader keeps looking at the same lines while new ones arrive below.
    if (this.logBack > 0 || this.paused) this.logBack++;
    if (this.log.length > 2 * ALERT_LOG_MAX) {
      this.log.splice(0, this.log.length - ALERT_LOG_MAX);
      this.logBack = Math.min(this.logBack, this.log.length - 1);
    }
    // Diagnoses are about stations: ARP-gap alerts (a blackout is about a host's inbound traffic).
    if (!isStationAlert(alert)) return;
    const { message, advice } = describe(alert);
    const before = this.diagnoses.get(alert.mac);
    // Delete first so that the Map's order is the order of the latest alert: the oldest goes first.
    this.diagnoses.delete(alert.mac);
    this.diagnoses.set(alert.mac, { alert, message, advice: advice !== '' ? advice : (before?.advice ?? '') });
    if (this.diagnoses.size > DIAGNOSIS_MAX) this.diagnoses.delete(this.diagnoses.keys().next().value!);
  }

  /** Scrolls the alert log back (positive) or forward (negative), `visible` lines being shown. */
  scrollLog(by: number, visible: number): void {
    this.logBack = Math.max(0, Math.min(Math.max(0, this.log.length - visible), this.logBack + by));
  }

  /** Sorts by `key`; choosing the current key again reverses the order. */
  sortBy(key: SortKey): void {
    if (this.sort === key) this.reverse = !this.reverse;
    else {
      this.sort = key;
      this.reverse = false;
    }
  }
}
