// The alert schema: one interface per kind. These records are the NDJSON interface (README: "NDJSON schema").

import type { StopReason } from '../capture/live/facts';

/**
 * Alerts are facts a detector decided are notable, in packet time. Field names are the NDJSON
 * names (snake_case) so that the schema is written once; `src/output/` adds `type`, `time`,
 * `message` and `advice` when it renders them. Append fields, never rename or remove one: the
 * NDJSON schema is a stable interface.
 */
export type Severity = 'info' | 'warning' | 'critical';

/** Why a station's ARP went stale, as far as its traffic shows. */
export type ArpGapCause =
  /** Repeated TCP SYNs to one peer kept the guest's ARP entry alive (Windows Vista+, KB2832644). */
  | 'tcp-syn-refresh'
  /** No refresh pattern seen: the guest keeps ARP entries longer than the bridge (Windows XP: ArpCacheMinReferencedLife 600 s). */
  | 'long-arp-cache';

interface AlertBase {
  /** Packet time the alert refers to, epoch seconds (float). */
  ts: number;
  severity: Severity;
  kind: string;
  /** Station's MAC address, lower-case colon hex. */
  mac?: string;
  /** Station's IPv4/IPv6 address, if known. */
  ip?: string;
  /** Outermost VLAN ID, when the station's frames are tagged. */
  vlan?: number;
}

/** Fields shared by the three ARP-gap kinds. */
interface ArpGapFields {
  mac: string;
  /** Seconds since the station's last ARP, at `ts`. */
  gap_s: number;
  /** Epoch seconds of the station's last ARP. */
  last_arp_ts: number;
  /** The bridge's forwarding-entry lifetime in force (--arp-threshold), seconds. */
  threshold_s: number;
  /** Frames the station sent since its last ARP. */
  frames_since_arp: number;
  /** Best explanation the traffic supports. */
  cause: ArpGapCause;
  /** For tcp-syn-refresh: the peer the repeated SYNs went to. */
  syn_peer?: string;
  /** For tcp-syn-refresh: median seconds between those SYNs. */
  syn_interval_s?: number;
  /**
   * Seconds of the most recent capture hole inside this gap: no frame at all from anyone for longer
   * than the threshold. In a file that may be frames missing from the capture rather than silence,
   * so an ARP may have gone unrecorded. Absent when there was no such hole.
   */
  capture_hole_s?: number;
  /**
   * Seconds netgap was not running inside this gap (`netgap live` restarted from its --state
   * file): the station may have ARPed unseen then. Absent when the gap did not span a restart.
   */
  unwatched_s?: number;
}

/** The station keeps sending, and its last ARP is now --arp-warn seconds old. */
export interface ArpGapWarningAlert extends AlertBase, ArpGapFields {
  kind: 'arp-gap-warning';
  severity: 'warning';
  /** Required here (optional in AlertBase): restated so that both bases agree. */
  mac: string;
}

/** The station sent a frame after its last ARP passed the threshold: the bridge has forgotten it. */
export interface ArpGapExpiredAlert extends AlertBase, ArpGapFields {
  kind: 'arp-gap-expired';
  severity: 'critical';
  /** Required here (optional in AlertBase): restated so that both bases agree. */
  mac: string;
}

/** The station ARPed again after a warning or an expiry. */
export interface ArpGapRecoveredAlert extends AlertBase, ArpGapFields {
  kind: 'arp-gap-recovered';
  severity: 'info';
  /** Required here (optional in AlertBase): restated so that both bases agree. */
  mac: string;
  /** Seconds the station spent past the threshold (0 when it recovered in the warning band). */
  past_threshold_s: number;
  /** True when it sent traffic past the threshold in this gap (an arp-gap-expired was raised). */
  expired: boolean;
}

/**
 * The bounded tables of the detectors: the station table, hosts that answered requests, requests
 * waiting for an answer, announcing MACs; the pool of ARP-gap entries on stations' further VLANs
 * (full: a further VLAN is not tracked); and a capture input's interfaces (full: the frames of
 * those past the cap are counted under interface-over-cap).
 */
export type BoundedTable = 'stations' | 'hosts' | 'requests' | 'announcers' | 'station-vlans' | 'interfaces';

/** A bounded table reached its cap and started evicting its oldest entries (said once per table). */
export interface TableFullAlert extends AlertBase {
  kind: 'table-full';
  severity: 'warning';
  /** Which table. */
  table: BoundedTable;
  /** Its cap, entries. */
  limit: number;
}

/**
 * Alerts about the live capture itself (`netgap live` only; a capture file cannot show them). They
 * carry no station: `interface` names the `-i` device.
 */
interface CaptureFields {
  /** The capture device the alert is about, as given to `-i`. */
  interface: string;
}

/**
 * Packets the kernel counted on the interface never reached netgap (the capture buffer overflowed,
 * or netgap fell behind): alerts that depend on them may be missing. Raised at most every 10 s per
 * interface; each one covers the loss confirmed since the previous one.
 */
export interface CaptureLossAlert extends AlertBase, CaptureFields {
  kind: 'capture-loss';
  severity: 'warning';
  /** Packets lost in the window. */
  packets_lost: number;
  /** Packets the kernel counted on the interface (received + sent) in the window. */
  packets_counted: number;
  /** Length of the window, seconds: since the previous capture-loss alert, or since the capture opened. */
  window_s: number;
  /** Frames longer than the MTU in the window (merged by GRO/LRO/TSO offloads): when > 0, `packets_lost` rests on an estimate. */
  oversize: number;
}

/** Nothing was captured on the interface for `idle_s` seconds (raised once per silence). */
export interface CaptureIdleAlert extends AlertBase, CaptureFields {
  kind: 'capture-idle';
  severity: 'warning';
  /** The silence so far, seconds (60). */
  idle_s: number;
}

/** The capture on the interface stopped: the interface went away, or its capture process failed. */
export interface CaptureStoppedAlert extends AlertBase, CaptureFields {
  kind: 'capture-stopped';
  severity: 'critical';
  /** `interface-gone` or `capture-failed`. */
  reason: StopReason;
  /** What happened, in words (libpcap's message, an exit status). */
  detail: string;
  /** True when netgap tries to open the interface again every 3 s; false when it stops (--no-retry, --user). */
  retry: boolean;
}

/** The capture on the interface runs again after capture-stopped. */
export interface CaptureResumedAlert extends AlertBase, CaptureFields {
  kind: 'capture-resumed';
  severity: 'info';
  /** Seconds it was not captured: traffic in that time was not seen. */
  down_s: number;
}

/**
 * netgap could not open its --output file again (on SIGHUP, after log rotation moved it away): it
 * keeps writing to the file it had open, and tries again at the next SIGHUP. Carries no station.
 */
export interface OutputErrorAlert extends AlertBase {
  kind: 'output-error';
  severity: 'warning';
  /** The --output path. */
  file: string;
  /** Why it could not be opened, in words ("no such directory", "permission denied"). */
  detail: string;
}

/** What a network-change marker frame was. */
export type MarkerKind =
  /** ARP request or reply whose sender IP equals its target IP: the RFC 5227 ARP Announcement, or a gratuitous reply (RFC 5944 §4.6). */
  | 'gratuitous-arp'
  /** ARP request with sender IP 0.0.0.0, checking an address before use (RFC 5227 §2.1.1). */
  | 'arp-probe'
  /** Reverse ARP request (RFC 903), which QEMU and VMware hosts send for a guest after moving it. */
  | 'rarp'
  /** IPv6 Neighbor Advertisement without the Solicited flag (RFC 4861 §7.2.6). */
  | 'unsolicited-na';

/** A station announced its address after being quiet in announcements: a live migration, a reconnected link, a new address. */
export interface NetworkChangeAlert extends AlertBase {
  kind: 'network-change';
  severity: 'info';
  /** The announcing MAC: the ARP/RARP sender hardware address, or the NA's link-layer source. */
  mac: string;
  /** What the first frame of the burst was. The announced address is `ip` (absent for RARP). */
  marker: MarkerKind;
}

/** Requests lost in a blackout, by protocol. */
export interface LostCounts {
  /** ICMP and ICMPv6 echo requests that got no reply. */
  icmp: number;
  /** UDP datagrams to a port that had answered before, with nothing back from it. */
  udp: number;
  /** TCP SYNs (retransmissions included) to a port that had answered before, with no SYN-ACK or RST. */
  tcp_syn: number;
}

/** Why inbound traffic stopped, as far as the traffic shows. */
export type BlackoutCause =
  /** A network-change marker of the host within 2 s of the start, and 7 s +- 1.5 s of silence: Windows Firewall's interface quarantine after a live migration (fixed on the host by KB4338822). */
  | 'interface-quarantine'
  /** Anything else. */
  | 'unknown';

/** Fields shared by the two blackout kinds. */
interface BlackoutFields {
  /** The host whose inbound requests went unanswered (IPv4 or IPv6). */
  ip: string;
  /** Packet time of the first unanswered request, epoch seconds. */
  start_ts: number;
  /** Requests lost so far, by protocol. */
  lost: LostCounts;
  /** TCP SYNs sent again to the host during the blackout. */
  syn_retransmissions: number;
  /** The network-change marker of the host (by MAC) that lies within 2 s of `start_ts`; absent when none. */
  marker?: MarkerKind;
  /** Seconds from `start_ts` to that marker: negative when it came first. */
  marker_offset_s?: number;
}

/** A host that had answered stopped answering: --blackout-min of unanswered requests (raised as soon as that is known). */
export interface InboundBlackoutStartAlert extends AlertBase, BlackoutFields {
  kind: 'inbound-blackout-start';
  severity: 'warning';
  /** Required here (optional in AlertBase): restated so that both bases agree. */
  ip: string;
}

/** The host answered again: the whole blackout, from its first unanswered request to its first answered one. */
export interface InboundBlackoutAlert extends AlertBase, BlackoutFields {
  kind: 'inbound-blackout';
  severity: 'critical';
  /** Required here (optional in AlertBase): restated so that both bases agree. */
  ip: string;
  /** Seconds from the first unanswered request to the first answered one (both send times). */
  duration_s: number;
  /** TCP connection attempts whose SYN was lost in the blackout and that got an answer on a retransmission, by the time of this alert. */
  tcp_through_on_retry: number;
  cause: BlackoutCause;
}

export type Alert =
  | ArpGapWarningAlert
  | ArpGapExpiredAlert
  | ArpGapRecoveredAlert
  | TableFullAlert
  | CaptureLossAlert
  | CaptureIdleAlert
  | CaptureStoppedAlert
  | CaptureResumedAlert
  | OutputErrorAlert
  | NetworkChangeAlert
  | InboundBlackoutStartAlert
  | InboundBlackoutAlert;
export type AlertKind = Alert['kind'];

/** Where detectors send alerts; the pipeline wraps it in an RxJS Subject. */
export type AlertSink = (alert: Alert) => void;
