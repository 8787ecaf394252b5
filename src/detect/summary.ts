// The end-of-input summary's records: totals, station, blackout and outage rows (the NDJSON summary schema documented in README).

import type { DecodeReason } from '../decode/decoded-frame';
import type { ArpGapCause, BlackoutCause, LostCounts, MarkerKind, Severity } from './alerts';
import type { ArpGapStatus } from './arp-gap-entry';

/** One station row of the summary (output adds `vendor` and renders it). */
export interface StationSummary {
  /** Lower-case colon hex. */
  mac: string;
  /** Outer VLAN IDs its frames carried, in order first seen; empty when untagged. */
  vlans: number[];
  /** IPv4 addresses it claimed as ARP sender, in order first claimed. */
  ips: string[];
  /** ARP/RARP frames it sent (the corpus oracle's `arp_sent`). */
  arp_sent: number;
  /** Frames whose link-layer source is its MAC, from its first ARP on. */
  frames: number;
  /** Largest difference between the own timestamps of two consecutive ARP frames in file order, seconds; null below 2 ARPs. */
  max_arp_gap_s: number | null;
  /** Packet-clock time of its first ARP and of its last frame, epoch seconds. */
  first_seen: number;
  last_seen: number;
  /** Own timestamps of its first and last ARP frames (file order), epoch seconds. */
  first_arp_ts: number;
  last_arp_ts: number;
  /** Seconds since its most recent ARP at the end of input (`end_ts`). */
  arp_age_s: number;
  status: ArpGapStatus;
  /** ARP-gap warnings and expiries raised for it. */
  warnings: number;
  expiries: number;
  /** Cause on its most recent ARP-gap alert, null when none. */
  cause: ArpGapCause | null;
  /**
   * What-if: the largest age of its last ARP at which it still sent a frame, seconds. A bridge
   * that holds entries for less than this would have cut it off. Null when it never sent after an ARP.
   */
  max_talk_age_s: number | null;
  /** What-if: the common hold times (WHAT_IF_HOLDS_S and --arp-threshold) below `max_talk_age_s`, ascending. */
  cut_off_at_s: number[];
}

/**
 * Common bridge hold times for the what-if: 300 s (Hyper-V on a wireless vSwitch, Linux bridge and
 * Open vSwitch default ageing, most switches), 600 s (VMware NSX MAC learning).
 */
export const WHAT_IF_HOLDS_S: readonly number[] = [300, 600];

export interface Summary {
  /** Frames handed to the engine. */
  packets: number;
  /** Frames with an invalid field, or cut inside a header while claiming to be whole. */
  malformed: number;
  /** Frames the snaplen cut inside a header (captured length < original length): not the sender's fault. */
  truncated: number;
  /** Frames of a link type netgap does not decode. */
  unsupported_link: number;
  /** pcapng: copies of a packet already analysed (same epb_packetid in a section: pktmon logs one per component), not analysed again. */
  duplicates: number;
  /** pcapng: records the capture marks as dropped (epb_verdict, link-layer errors in epb_flags), copies included: not analysed. */
  verdict_drops: number;
  /** pcapng inputs whose IDBs name their interfaces (pktmon: one per component): each named interface and the frames it held, copies included. */
  interfaces?: { name: string; frames: number }[];
  /** Frames per decode reason (every reason, 0 included: the names are a stable interface). */
  reasons: Record<DecodeReason, number>;
  /** Own timestamps of the first and the last frame in input order; null when there were none. */
  first_ts: number | null;
  last_ts: number | null;
  /** The packet clock at the end (the latest timestamp seen): where `arp_age_s` is measured. */
  end_ts: number | null;
  /** Frames stamped earlier than the clock, handled at the clock's time. */
  ts_backwards: number;
  /**
   * Entries evicted from each bounded table: stations, hosts that answered requests, requests
   * waiting for an answer, announcing MACs, blackout and outage rows of this summary, and
   * ARP-claimed addresses (station events).
   */
  evicted: { stations: number; hosts: number; requests: number; announcers: number; blackouts: number; outages: number; addresses: number };
  /** Alerts raised, by severity. */
  alerts: Record<Severity, number>;
  /** The --arp-threshold in force, seconds (the what-if of `cut_off_at_s` uses it). */
  arp_threshold_s: number;
  /** In order of first ARP. */
  stations: StationSummary[];
  /** Inbound blackouts, in order of start (the last MAX_BLACKOUT_ROWS). */
  blackouts: BlackoutSummary[];
  /** The outage of each network change of a host whose requests were answered, in order (the last MAX_OUTAGE_ROWS). */
  outages: OutageSummary[];
}

/** The summary without its station rows, which `Engine.stationRows()` gives one at a time. */
export type SummaryHead = Omit<Summary, 'stations'>;

/** One network change's outage in the summary (the network-change-outage alert's fields). */
export interface OutageSummary {
  /** The host (IPv4 or IPv6). */
  ip: string;
  /** The announcing MAC. */
  mac: string;
  marker: MarkerKind;
  /** Packet time of the network change, epoch seconds. */
  marker_ts: number;
  /** Send time of the first unanswered request; null when nothing was lost. */
  start_ts: number | null;
  /** Seconds from the first unanswered request to the first answered one; 0 when nothing was lost. */
  outage_s: number;
  lost: LostCounts;
  /** Seconds of the outage after the marker. */
  after_marker_s: number;
  /** True when the outage was also an inbound blackout (at least --blackout-min and 2 lost). */
  inbound_blackout: boolean;
}

/** One blackout in the summary. */
export interface BlackoutSummary {
  /** The host (IPv4 or IPv6). */
  ip: string;
  /** Its MAC, the link-layer source of its answers; null when the capture has no link layer. */
  mac: string | null;
  /** Packet time of the first unanswered request, epoch seconds. */
  start_ts: number;
  /** Seconds from there to the first answered request; for an open blackout, to `end_ts`. */
  duration_s: number;
  /** True when the input ended inside the blackout. */
  open: boolean;
  /** Requests lost, by protocol. */
  lost: LostCounts;
  /** TCP SYNs sent again to the host during the blackout. */
  syn_retransmissions: number;
  /** TCP attempts whose SYN was lost in the blackout and that got through on a retransmission, up to the end of input. */
  tcp_through_on_retry: number;
  /** The host's last network-change marker inside the blackout or within 2 s before it, null when none. */
  marker: MarkerKind | null;
  /** Seconds from `start_ts` to that marker (negative: it came first); null when none. */
  marker_offset_s: number | null;
  /** Seconds from that marker to the first answered request (the quarantine's 7 s); null when none or open. */
  resumed_after_marker_s: number | null;
  /** Null while open. */
  cause: BlackoutCause | null;
}
