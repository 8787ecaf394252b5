// The dashboard's station table: a snapshot read from the engine between batches, sorted and filtered (no per-packet work).

import { formatIpv4, formatMac } from '../../decode/address';
import type { ArpGapView } from '../../detect/arp-gap';
import type { Engine } from '../../detect/engine';
import type { Station } from '../../detect/stations';
import { vendorOf } from '../vendor';

/**
 * What the dashboard reads from the engine; `Engine` fits. It is read only when a frame is drawn
 * (at most ~10 times a second), never from the packet path. The dashboard reads the table itself
 * and formats only the rows it shows, because `finish()` formats every station, too slow for a
 * full table at 10 frames a second.
 */
export type EngineView = Pick<Engine, 'clock' | 'stations' | 'arpGap' | 'options' | 'packetCount'>;

/** One station at the snapshot's packet time. */
export interface StationRow {
  readonly station: Station;
  /** Its ARP-gap state: status, ARP age (seconds), warnings, expiries, cause. */
  readonly gap: ArpGapView;
}

/** How the table can be sorted, each with the key that selects it. */
export const SORTS = {
  age: { key: 'a', label: 'ARP age' },
  mac: { key: 'm', label: 'MAC' },
  ip: { key: 'i', label: 'IP' },
  arps: { key: 'c', label: 'ARP count' },
  gap: { key: 'x', label: 'max gap' },
  state: { key: 's', label: 'state' },
} as const;
export type SortKey = keyof typeof SORTS;

/** The worst state first when sorting by state; a silent station had nothing at risk, so it comes last. */
const STATE_RANK = { expired: 3, warning: 2, ok: 1, silent: 0 } as const;

/** Silent stations after the talking ones: their old ARP is no danger (1 for silent, else 0). */
function silentLast(row: StationRow): number {
  return row.gap.status === 'silent' ? 1 : 0;
}

/**
 * Each comparator puts first what a reader looks for first: the oldest ARP among the talking
 * stations, the most ARPs, the longest gap, the worst state; MAC and IP ascend. Ties keep the
 * order of first ARP.
 */
const COMPARE: Readonly<Record<SortKey, (a: StationRow, b: StationRow) => number>> = {
  age: (a, b) => silentLast(a) - silentLast(b) || b.gap.arp_age_s - a.gap.arp_age_s,
  mac: (a, b) => a.station.mac - b.station.mac,
  ip: (a, b) => (a.station.ips[0] ?? Infinity) - (b.station.ips[0] ?? Infinity),
  arps: (a, b) => b.station.arpSent - a.station.arpSent,
  gap: (a, b) => gapOf(b.station) - gapOf(a.station),
  state: (a, b) => STATE_RANK[b.gap.status] - STATE_RANK[a.gap.status] || b.gap.arp_age_s - a.gap.arp_age_s,
};

function gapOf(st: Station): number {
  return st.arpSent >= 2 ? st.maxArpGapS : -1;
}

/** A station's text, made once (and again when it claims a new IP or VLAN), never per frame drawn. */
export interface StationText {
  mac: string;
  vendor: string;
  ips: string[];
  vlans: string;
  /** Lower-case text the `/` filter searches, besides the state and cause. */
  search: string;
  /** The station this text was made for: the table reuses an evicted station's object for a new MAC, with a new seq. */
  seq: number;
  /** The list lengths this text was made from. */
  ipCount: number;
  vlanCount: number;
}

/** Station texts, dropped with their stations (weak keys: evicted stations are collected). */
export class TextCache {
  private readonly texts = new WeakMap<Station, StationText>();

  of(st: Station): StationText {
    let t = this.texts.get(st);
    if (t === undefined || t.seq !== st.seq || t.ipCount !== st.ips.length || t.vlanCount !== st.vlans.length) {
      const mac = formatMac(st.mac);
      const vendor = vendorOf(mac);
      const ips = st.ips.map(formatIpv4);
      const vlans = st.vlans.join(',');
      const search = `${mac} ${vendor} ${ips.join(' ')} ${st.vlans.map((v) => `vlan${v}`).join(' ')}`.toLowerCase();
      t = { mac, vendor, ips, vlans, search, seq: st.seq, ipCount: st.ips.length, vlanCount: st.vlans.length };
      this.texts.set(st, t);
    }
    return t;
  }
}

/** The filter matches a station whose MAC, vendor, IPs, `vlanN`, state or cause contain it (case-insensitive). */
function matches(row: StationRow, text: StationText, needle: string): boolean {
  if (needle === '') return true;
  return text.search.includes(needle) || row.gap.status.includes(needle) || (row.gap.cause ?? '').includes(needle);
}

/** The stations at packet time `now` (the engine's clock, or later), filtered by `filter` and sorted by `sort`. */
export function stationRows(engine: EngineView, now: number, texts: TextCache, sort: SortKey, reverse: boolean, filter: string): StationRow[] {
  const needle = filter.toLowerCase();
  const rows: StationRow[] = [];
  for (const station of engine.stations.byMac.values()) {
    const row = { station, gap: engine.arpGap.view(station, now) };
    if (needle === '' || matches(row, texts.of(station), needle)) rows.push(row);
  }
  const cmp = COMPARE[sort];
  rows.sort((a, b) => (reverse ? -cmp(a, b) : cmp(a, b)) || a.station.seq - b.station.seq);
  return rows;
}
