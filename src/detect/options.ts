// Options of the detection core, units in their names, with the KB behind each default (KB2832644, KB4338822).

import type { CaptureHealthOptions } from './capture-health';
import { DEFAULT_CAPTURE_HEALTH_OPTIONS } from './capture-health';

export interface EngineOptions extends CaptureHealthOptions {
  /**
   * Seconds a bridge that learns from ARP keeps a station's forwarding entry after its last ARP.
   * 300 s is bridge.sys's fixed hold time on a Hyper-V vSwitch bound to Wi-Fi (KB2832644).
   */
  arpThresholdS: number;
  /** Warn when a talking station's last ARP is this old, seconds; below `arpThresholdS`. */
  arpWarnS: number;
  /**
   * Keep one ARP-gap state per MAC and VLAN instead of one per MAC. A bridge that learns from ARP
   * keys its table by MAC alone (bridge.sys behind a Hyper-V wireless vSwitch, KB2832644); switches
   * with independent VLAN learning (IEEE 802.1Q IVL: most managed switches, a Linux bridge with
   * vlan_filtering, Open vSwitch) keep one entry per MAC and VLAN.
   */
  perVlan: boolean;
  /** Cap of the station table; beyond it the least recently active station is evicted. */
  maxStations: number;
  /**
   * Seconds a request may wait for its answer (echo reply, SYN-ACK or RST, a datagram back);
   * after that it counts as unanswered, and a later answer is ignored.
   */
  responseTimeoutS: number;
  /** A blackout needs unanswered requests whose send times span at least this many seconds. */
  blackoutMinS: number;
  /** ... and at least this many of them: one lost request is not a blackout. */
  blackoutMinLost: number;
  /**
   * Announcements from one MAC less than this many seconds apart are one network change: a burst
   * (RFC 5227 sends five within about 8 s) or a periodic refresh (gateways every 60 s) says it once.
   */
  announceQuietS: number;
  /** Cap of the table of hosts that have answered requests, of the table of announcing MACs, and of the table of ARP-claimed addresses. */
  maxHosts: number;
  /**
   * Raise new-station for IPv4 addresses first claimed in ARP this many seconds after the input
   * began; Infinity: never (a capture that starts mid-way makes every station new).
   */
  newStationsAfterS: number;
  /** Drop the alerts about these MACs, IPv4 addresses and IPv4 CIDRs (known devices: proxy-ARP routers, VRRP pairs). */
  ignore: readonly string[];
  /** Cap of the table of requests waiting for their answer (and of TCP attempts waiting for a retransmission). */
  maxRequests: number;
}

export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = {
  arpThresholdS: 300,
  // KB2832644's own workaround value for ArpCacheMinReferencedLife: a guest at 240 s is safe.
  arpWarnS: 240,
  perVlan: false,
  // Table caps: all of them full at once (the bench's tables flood) stay within the 150 MiB
  // peak RSS netgap promises; 8x Linux's own neighbour-table limit (gc_thresh3, 1024).
  maxStations: 8192,
  // Two ping intervals of Windows and Linux; a LAN answers in milliseconds.
  responseTimeoutS: 1,
  blackoutMinS: 1,
  blackoutMinLost: 2,
  // Twice the 60 s at which the gateways that refresh by gratuitous ARP commonly do it.
  announceQuietS: 120,
  maxHosts: 8192,
  maxRequests: 8192,
  newStationsAfterS: Infinity,
  ignore: [],
  ...DEFAULT_CAPTURE_HEALTH_OPTIONS,
};

/**
 * `netgap live`'s newStationsAfterS: a learning period as long as the longest common ARP refresh
 * (FreeBSD and macOS, 1200 s), so that the stations already there are not reported as new.
 */
export const LIVE_NEW_STATIONS_AFTER_S = 1200;

/** Throws a RangeError naming the first option that cannot work (at construction, never per frame). */
export function checkEngineOptions(o: EngineOptions): void {
  if (!(o.arpThresholdS > 0 && Number.isFinite(o.arpThresholdS))) throw new RangeError(`arpThresholdS must be a finite number > 0, got ${o.arpThresholdS}`);
  if (!(o.arpWarnS > 0 && o.arpWarnS < o.arpThresholdS))
    throw new RangeError(`arpWarnS must be > 0 and < arpThresholdS (${o.arpThresholdS}), got ${o.arpWarnS}`);
  if (!(Number.isInteger(o.maxStations) && o.maxStations >= 1)) throw new RangeError(`maxStations must be a whole number >= 1, got ${o.maxStations}`);
  if (!(o.responseTimeoutS > 0 && Number.isFinite(o.responseTimeoutS)))
    throw new RangeError(`responseTimeoutS must be a finite number > 0, got ${o.responseTimeoutS}`);
  if (!(o.blackoutMinS >= 0 && Number.isFinite(o.blackoutMinS))) throw new RangeError(`blackoutMinS must be a finite number >= 0, got ${o.blackoutMinS}`);
  if (!(Number.isInteger(o.blackoutMinLost) && o.blackoutMinLost >= 1))
    throw new RangeError(`blackoutMinLost must be a whole number >= 1, got ${o.blackoutMinLost}`);
  if (!(o.announceQuietS >= 0 && Number.isFinite(o.announceQuietS)))
    throw new RangeError(`announceQuietS must be a finite number >= 0, got ${o.announceQuietS}`);
  if (!(Number.isInteger(o.maxHosts) && o.maxHosts >= 1)) throw new RangeError(`maxHosts must be a whole number >= 1, got ${o.maxHosts}`);
  if (!(o.newStationsAfterS >= 0)) throw new RangeError(`newStationsAfterS must be >= 0 (Infinity: never), got ${o.newStationsAfterS}`);
  if (!(Number.isInteger(o.maxRequests) && o.maxRequests >= 1)) throw new RangeError(`maxRequests must be a whole number >= 1, got ${o.maxRequests}`);
}
