// The blackout panel: inbound blackouts from their alerts (issue 5's detector), ongoing ones counting up on the packet clock, past ones with duration and cause, and each network change's outage (issue 17).

import type { Alert, InboundBlackoutAlert, InboundBlackoutStartAlert, LostCounts, NetworkChangeOutageAlert } from '../../detect/alerts';
import { isoTime } from '../iso-time';
import { fit, safe } from './format';

/** Past blackouts and outages kept for the panel (the alert log and NDJSON keep every one). */
export const PAST_BLACKOUTS_MAX = 100;

/** A host's blackouts are told apart by its IP and VLAN, as the detector keys them by host. */
function hostKey(a: { ip: string; vlan?: number }): string {
  return `${a.ip}|${a.vlan ?? ''}`;
}

export class Blackouts {
  /** Started and not yet ended, by host, in the order they started. */
  readonly ongoing = new Map<string, InboundBlackoutStartAlert>();
  /** Ended blackouts and network-change outages, oldest first. */
  readonly past: (InboundBlackoutAlert | NetworkChangeOutageAlert)[] = [];

  onAlert(a: Alert): void {
    if (a.kind === 'inbound-blackout-start') {
      this.ongoing.set(hostKey(a), a);
    } else if (a.kind === 'inbound-blackout' || a.kind === 'network-change-outage') {
      if (a.kind === 'inbound-blackout') this.ongoing.delete(hostKey(a));
      this.past.push(a);
      if (this.past.length > PAST_BLACKOUTS_MAX) this.past.shift();
    }
  }

  get size(): number {
    return this.ongoing.size + this.past.length;
  }
}

/** `icmp 3, udp 1, tcp syn 2`: the protocols that lost something. */
function lostText(lost: LostCounts): string {
  const parts: string[] = [];
  if (lost.icmp > 0) parts.push(`icmp ${lost.icmp}`);
  if (lost.udp > 0) parts.push(`udp ${lost.udp}`);
  if (lost.tcp_syn > 0) parts.push(`tcp syn ${lost.tcp_syn}`);
  return parts.length > 0 ? `lost ${parts.join(', ')}` : '';
}

function host(a: { ip: string; mac?: string; vlan?: number }, width: number): string {
  const ipWidth = Math.max(15, Math.min(39, width - 65));
  const mac = width >= 100 && a.mac !== undefined ? ` ${a.mac}` : '';
  const vlan = a.vlan !== undefined ? ` vlan ${a.vlan}` : '';
  return `${fit(a.ip, ipWidth)}${mac}${vlan}`;
}

/**
 * The panel's lines, ongoing blackouts first (newest first, counting up to `now`, or "open" once
 * the input has ended inside them), then past ones, newest first.
 */
export function blackoutLines(b: Blackouts, now: number, ended: boolean, width: number): string[] {
  if (b.size === 0) return ['{gray-fg}No inbound blackout seen.{/gray-fg}'];
  const lines: string[] = [];
  for (const a of [...b.ongoing.values()].reverse()) {
    const so = Math.max(0, now - a.start_ts);
    const state = ended ? 'open at the end' : 'ongoing';
    const marker = a.marker !== undefined ? `  after ${a.marker}` : '';
    lines.push(
      `{red-fg}{bold}▶ ${safe(host(a, width))} ${isoTime(a.start_ts).slice(11, 19)} ${fit(`${so.toFixed(1)}s`, 7, 'right')} ${state}{/bold}{/red-fg}` +
        `  ${safe(lostText(a.lost))}${safe(marker)}`,
    );
  }
  for (let i = b.past.length - 1; i >= 0; i--) {
    const a = b.past[i]!;
    if (a.kind === 'network-change-outage') {
      const after = a.after_marker_s < a.outage_s ? `, ${a.after_marker_s.toFixed(1)}s after it` : '';
      lines.push(
        `  ${safe(host(a, width))} ${isoTime(a.start_ts ?? a.marker_ts).slice(11, 19)} ${fit(`${a.outage_s.toFixed(1)}s`, 7, 'right')} {cyan-fg}outage at ${a.marker}{/cyan-fg}  ${safe(lostText(a.lost) + after)}`,
      );
      continue;
    }
    const cause = a.cause === 'interface-quarantine' ? `{yellow-fg}${a.cause}{/yellow-fg}` : a.cause;
    const retry = a.tcp_through_on_retry > 0 ? `, ${a.tcp_through_on_retry} tcp through on retry` : '';
    lines.push(
      `  ${safe(host(a, width))} ${isoTime(a.start_ts).slice(11, 19)} ${fit(`${a.duration_s.toFixed(1)}s`, 7, 'right')} ${cause}  ${safe(lostText(a.lost) + retry)}`,
    );
  }
  return lines;
}
