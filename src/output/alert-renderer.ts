// The one renderer of alerts for `read`, `live` and the dashboard: each alert's line (text or NDJSON) and the advice the summary gives per station (KB2832644).

import type { Alert, ArpGapExpiredAlert, ArpGapRecoveredAlert, ArpGapWarningAlert } from '../detect/alerts';
import { describe } from './describe';
import { alertLine } from './ndjson';
import type { AdviceBook } from './summary-text';
import { alertText } from './text';

export type AlertFormat = 'text' | 'ndjson';

/** ARP-gap alerts: the ones about a station's ARP, which its summary row and detail view diagnose. */
export function isStationAlert(alert: Alert): alert is ArpGapWarningAlert | ArpGapExpiredAlert | ArpGapRecoveredAlert {
  return alert.kind === 'arp-gap-warning' || alert.kind === 'arp-gap-expired' || alert.kind === 'arp-gap-recovered';
}

/**
 * The advice an alert gives the station it is about; '' when none. A blackout's fix is about a
 * host, not a station's ARP: the summary gives it from each blackout's cause.
 */
export function stationAdvice(alert: Alert): string {
  return isStationAlert(alert) ? describe(alert).advice : '';
}

/** One alert, one line, sanitized: the tail-style text line or the NDJSON object (with the sensor's `host`, when given). */
export function renderAlert(alert: Alert, format: AlertFormat, host?: string): string {
  return format === 'ndjson' ? alertLine(alert, host) : alertText(alert);
}

/** Renders each alert as one line and keeps, per station, the latest advice for the summary. */
export class AlertRenderer {
  private readonly book = new Map<string, string>();

  constructor(
    readonly format: AlertFormat,
    /** The sensor's name every NDJSON record carries (--sensor, --output); undefined: none. */
    readonly host?: string,
  ) {}

  /** Advice per station MAC, from its most recent alert that had some (the text summary's "What to change"). */
  get advice(): AdviceBook {
    return this.book;
  }

  /** The alert's line; in text, its advice is noted for the summary (NDJSON has no advice section). */
  line(alert: Alert): string {
    if (this.format === 'text') this.note(alert);
    return renderAlert(alert, this.format, this.host);
  }

  /** Notes the alert's advice without rendering it (the dashboard shows the alert itself). */
  note(alert: Alert): void {
    if (!isStationAlert(alert)) return;
    const { advice } = describe(alert);
    if (advice !== '') this.book.set(alert.mac, advice);
  }
}
