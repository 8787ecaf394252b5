// Renders alerts and the summary as NDJSON records: the stable schema documented in the README.

import type { Alert } from '../detect/alerts';
import type { StationSummary, Summary, SummaryHead } from '../detect/summary';
import { describe } from './describe';
import { isoTime } from './iso-time';
import { vendorOf } from './vendor';

/** The fields every alert record starts with, in this order; the kind's own fields follow. */
const LEADING_FIELDS: ReadonlySet<string> = new Set(['ts', 'severity', 'kind', 'mac', 'ip', 'vlan']);

/**
 * An alert as its NDJSON record. The fixed fields come first in a fixed order (type, ts, time,
 * severity, kind, mac, ip, vlan), then the kind's own fields, then message and advice, so that
 * lines read well by eye as well as by `jq`. One object, filled in one pass, because spreading
 * the alert into intermediate objects costs measurably more per alert.
 */
export function alertRecord(alert: Alert, host?: string): Record<string, unknown> {
  const { message, advice } = describe(alert);
  const { ts } = alert;
  const record: Record<string, unknown> = {
    type: 'alert',
    ts,
    time: isoTime(ts),
    severity: alert.severity,
    kind: alert.kind,
    mac: alert.mac,
    ip: alert.ip,
    vlan: alert.vlan,
  };
  for (const k in alert) if (!LEADING_FIELDS.has(k)) record[k] = microseconds(k, (alert as unknown as Record<string, unknown>)[k]);
  record.message = message;
  record.advice = advice;
  // The sensor's name (--sensor, --output), last: a collector merging hosts reads it.
  if (host !== undefined) record.host = host;
  return record;
}

/**
 * A duration (`*_s`) rounded to the microsecond: durations are differences of float timestamps,
 * whose last digits are noise (33.02665400505066 is 33.026654 as captured), and golden files must
 * not depend on that noise. Any other value is returned as it is.
 */
function microseconds(key: string, v: unknown): unknown {
  return typeof v === 'number' && key.endsWith('_s') ? Math.round(v * 1e6) / 1e6 : v;
}

export function alertLine(alert: Alert, host?: string): string {
  return JSON.stringify(alertRecord(alert, host));
}

/** A station row of the summary record: the engine's row plus the vendor. */
function stationRecord(row: StationSummary): Record<string, unknown> {
  const record: Record<string, unknown> = { mac: row.mac, vendor: vendorOf(row.mac) };
  for (const k in row) if (k !== 'mac') record[k] = microseconds(k, (row as unknown as Record<string, unknown>)[k]);
  return record;
}

/** The summary as the last NDJSON record: the engine's summary plus each station's vendor. */
export function summaryRecord(summary: Summary): Record<string, unknown> {
  return { type: 'summary', ...summary, stations: summary.stations.map(stationRecord) };
}

/** Station rows per piece of `summaryPieces`. */
const ROWS_PER_PIECE = 256;

/**
 * The summary record's JSON text in pieces, the station rows made and written a few at a time:
 * the same text as `JSON.stringify({ ...summaryRecord(summary), ...extra })`, without the whole
 * line or all its rows in memory at once, because a full station table makes a line of tens of MB.
 */
export function* summaryPieces(head: SummaryHead, rows: Iterable<StationSummary>, extra: Record<string, unknown> = {}): Generator<string> {
  const { blackouts, ...before } = head;
  // The record with no rows, cut where the rows go. A key is the only place `"stations":[]`
  // can appear: inside a string value its quotes would be escaped.
  const empty = JSON.stringify({ type: 'summary', ...before, stations: [], blackouts, ...extra });
  const cut = empty.indexOf(STATIONS_KEY) + STATIONS_KEY.length - 1;
  let piece = empty.slice(0, cut);
  let n = 0;
  for (const row of rows) {
    piece += (n > 0 ? ',' : '') + JSON.stringify(stationRecord(row));
    if (++n % ROWS_PER_PIECE === 0) {
      yield piece;
      piece = '';
    }
  }
  yield piece + empty.slice(cut);
}

const STATIONS_KEY = '"stations":[]';
