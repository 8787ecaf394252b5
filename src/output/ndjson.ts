// Renders alerts and the summary as NDJSON records: the stable schema documented in the README.

import type { Alert } from '../detect/alerts';
import type { Summary } from '../detect/engine';
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
  const out: Record<string, unknown> = { ...fields };
  for (const [k, v] of Object.entries(out)) {
    if (k.endsWith('_s') && typeof v === 'number') out[k] = Math.round(v * 1e6) / 1e6;
  }
  return out;
}

export function alertLine(alert: Alert): string {
  return JSON.stringify(alertRecord(alert));
}

/** The summary as the last NDJSON record: the engine's summary plus each station's vendor. */
export function summaryRecord(summary: Summary): Record<string, unknown> {
  const stations = summary.stations.map(({ mac, ...rest }) => ({ mac, vendor: vendorOf(mac), ...microseconds(rest) }));
  return { type: 'summary', ...summary, stations };
}

export function summaryLine(summary: Summary): string {
  return JSON.stringify(summaryRecord(summary));
}
