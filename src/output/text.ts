// Renders alerts as tail-style text lines: time, severity, kind, station, key=value facts, message.

import type { Alert, Severity } from '../detect/alerts';
import { describe } from './describe';
import { isoTime } from './iso-time';
import { sanitize } from './sanitize';

/** Four-letter severities keep the columns aligned for `tail -f` and `grep CRIT`. */
export const SEVERITY_TAG: Readonly<Record<Severity, string>> = { info: 'INFO', warning: 'WARN', critical: 'CRIT' };

/** Fields the line already shows in its fixed columns, or that only the NDJSON needs. */
const NOT_IN_LINE = new Set(['ts', 'severity', 'kind', 'mac', 'ip', 'vlan', 'last_arp_ts', 'threshold_s']);

function value(key: string, v: unknown): string {
  // Durations carry their unit in the name (`gap_s`); the line shows it as `gap=301.0s`.
  if (typeof v === 'number' && key.endsWith('_s')) return `${v.toFixed(1)}s`;
  if (Array.isArray(v)) return v.join(',');
  if (v !== null && typeof v === 'object') {
    return Object.entries(v)
      .map(([k, n]) => `${k}:${String(n)}`)
      .join(',');
  }
  return String(v);
}

/**
 * One alert, one line: `2025-11-22T08:31:53.000Z CRIT arp-gap-expired 00:15:5d:0a:00:01
 * 198.51.100.11 vlan=42 gap=301.0s frames_since_arp=12 cause=long-arp-cache: <message>`.
 * Advice is not repeated on every line; the summary lists it once per station.
 */
export function alertText(alert: Alert): string {
  const parts = [isoTime(alert.ts), SEVERITY_TAG[alert.severity], alert.kind];
  if (alert.mac !== undefined) parts.push(alert.mac);
  if (alert.ip !== undefined) parts.push(alert.ip);
  if (alert.vlan !== undefined) parts.push(`vlan=${alert.vlan}`);
  for (const [key, v] of Object.entries(alert)) {
    if (NOT_IN_LINE.has(key) || v === undefined) continue;
    parts.push(`${key.endsWith('_s') ? key.slice(0, -2) : key}=${value(key, v)}`);
  }
  return sanitize(`${parts.join(' ')}: ${describe(alert).message}`);
}
