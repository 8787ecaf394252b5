// Renders alerts and the summary as NDJSON records: the stable schema documented in the README.

import type { Alert } from '../detect/alerts';
import type { StationSummary, Summary, SummaryHead } from '../detect/engine';
import { describe } from './describe';
import { isoTime } from './iso-time';
import { vendorOf } from './vendor';

/**
 * An alert as its NDJSON record. The fixed fields come first in a fixed order (type, ts, time,
 * severity, kind, mac, ip, vlan), then the kind's own fields, then message and advice, so that
 * lines read well by eye as well as by `jq`.
 */
export function alertRecord(alert: Alert): Record<string, unknown> {
  const { ts, severity, kind, mac, ip, vlan, ...fields } = alert;
  const { message, advice } = describe(alert);
  return { type: 'alert', ts, time: isoTime(ts), severity, kind, mac, ip, vlan, ...microseconds(fields), message, advice };
}

/**
 * Durations (`*_s`) rounded to the microsecond: they are differences of float timestamps, whose
 * last digits are noise (33.02665400505066 is 33.026654 as captured), and golden files must not
 * depend on that noise.
 */
function microseconds(fields: object): Record<string, unknown> {
  // One pass, no copy and no entries array: on a file with thousands of alerts this ran once
  // per alert and station and was the largest cost of the output.
  const out: Record<string, unknown> = {};
  for (const k in fields) {
    const v = (fields as Record<string, unknown>)[k];
    out[k] = typeof v === 'number' && k.endsWith('_s') ? Math.round(v * 1e6) / 1e6 : v;
  }
  return out;
}

export function alertLine(alert: Alert): string {
  return JSON.stringify(alertRecord(alert));
}

/** A station row of the summary record: the engine's row plus the vendor. */
function stationRecord({ mac, ...rest }: StationSummary): Record<string, unknown> {
  return { mac, vendor: vendorOf(mac), ...microseconds(rest) };
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
 * line or all its rows in memory at once (the bench's ARP flood: 65536 rows, a 22 MB line, and a
 * peak RSS of 255 MiB when it was built whole).
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
