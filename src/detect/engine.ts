// The detection engine: the one per-frame path from decoded facts to alerts, and the end-of-input summary.

import type { CaptureFact } from '../capture/live/facts';
import type { Frame } from '../frame';
import { MAX_INTERFACES_PER_INPUT } from '../frame';
import { formatIpv4, formatMac } from '../decode/address';
import type { DecodeReason } from '../decode/decoded-frame';
import { DECODE_REASONS, DecodedFrame, L4 } from '../decode/decoded-frame';
import { decodeFrame } from '../decode/link';
import type { AlertSink, Severity } from './alerts';
import { ArpGapDetector } from './arp-gap';
import { BlackoutDetector } from './blackout';
import { CaptureHealthDetector } from './capture-health';
import { PacketClock } from './clock';
import type { EngineOptions } from './options';
import { checkEngineOptions, DEFAULT_ENGINE_OPTIONS } from './options';
import { NetworkChangeDetector } from './network-change';
import { IgnoreList } from './ignore';
import { ResponseMatcher } from './responses';
import { StationEventDetector } from './station-events';
import type { Station } from './stations';
import type { EngineState, StationState } from './state';
import { STATE_FORMAT, STATE_VERSION } from './state';
import { isArpSender, stationToState, StationTable } from './stations';
import type { StationSummary, Summary, SummaryHead } from './summary';
import { WHAT_IF_HOLDS_S } from './summary';

export type { EngineOptions } from './options';

const OVER_CAP_REASON = DECODE_REASONS.indexOf('interface-over-cap');

/** How each decode reason is counted in the summary's totals. */
/** Named interfaces listed in the summary at most (pktmon has a few dozen components); later ones are not listed. */
const MAX_NAMED_INTERFACES = 256;

const REASON_CLASS = { MALFORMED: 0, TRUNCATED: 1, UNSUPPORTED_LINK: 2 } as const;
const reasonClass = Uint8Array.from(DECODE_REASONS, (r) =>
  r === 'unsupported-link-type' || r === 'interface-over-cap'
    ? REASON_CLASS.UNSUPPORTED_LINK
    : r.startsWith('truncated-')
      ? REASON_CLASS.TRUNCATED
      : REASON_CLASS.MALFORMED,
);

/**
 * Holds the one reused DecodedFrame, the packet clock, the station table and the detectors. A
 * source calls `handleFrame` once per frame, live mode also calls `tick` from a ticker, and
 * `finish` gives the summary. Alerts go to the sink synchronously, in packet-time order.
 */
export class Engine {
  readonly clock: PacketClock;
  readonly stations: StationTable;
  readonly arpGap: ArpGapDetector;
  readonly responses: ResponseMatcher;
  readonly networkChange: NetworkChangeDetector;
  readonly blackout: BlackoutDetector;
  readonly stationEvents: StationEventDetector;
  readonly captureHealth: CaptureHealthDetector;
  /** The options in force, defaults filled in (the dashboard draws its bars against them). */
  readonly options: Readonly<EngineOptions>;
  private readonly decoded = new DecodedFrame();
  private readonly sink: AlertSink;
  /** Per DECODE_REASONS index. Float64, not Uint32: a long live run must not wrap a counter. */
  private readonly reasonCounts = new Float64Array(DECODE_REASONS.length);
  private packets = 0;
  private duplicates = 0;
  private verdictDrops = 0;
  /** Named pcapng interfaces by Frame.ifIndex (sparse until seen), and their frames. */
  private readonly ifNames: string[] = [];
  private readonly ifFrames: number[] = [];
  private malformed = 0;
  private truncated = 0;
  private unsupportedLink = 0;
  private firstTs = NaN;
  private lastTs = NaN;
  private readonly alertCounts: Record<Severity, number> = { info: 0, warning: 0, critical: 0 };
  /** Moves the clock to a capture-idle deadline before its alert (made once: tick runs ten times a second live). */
  private readonly advanceClock = (due: number): void => {
    this.clock.tick(due);
  };

  constructor(options: Partial<EngineOptions>, alertSink: AlertSink) {
    const o: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    checkEngineOptions(o);
    const ignore = new IgnoreList(o.ignore);
    const sink: AlertSink = ignore.empty
      ? (alert) => {
          this.alertCounts[alert.severity]++;
          alertSink(alert);
        }
      : (alert) => {
          if (ignore.drops(alert)) return;
          this.alertCounts[alert.severity]++;
          alertSink(alert);
        };
    this.sink = sink;
    this.options = o;
    // A capture-wide silence longer than the bridge's hold is what the ARP-gap detector calls a hole.
    this.clock = new PacketClock(o.arpThresholdS);
    this.arpGap = new ArpGapDetector(o, this.clock, sink);
    this.stations = new StationTable(o.maxStations, this.clock, sink, (st) => this.arpGap.forget(st));
    // A MAC that sent ARP before, or an address that answered requests, is a station netgap knew.
    const known = (mac: number, ip4: number, buf: Buffer, ip6Off: number) => this.stations.get(mac) !== undefined || this.blackout.knows(ip4, buf, ip6Off);
    // A change of a host whose requests were answered: its outage is measured (blackout.ts).
    const changed = (mac: number, kind: number, ip4: number, vlan: number) =>
      this.blackout.networkChanged(mac, kind, ip4, this.stations.get(mac)?.ips ?? [], vlan);
    this.networkChange = new NetworkChangeDetector(o, this.clock, known, sink, changed);
    this.blackout = new BlackoutDetector(o, this.clock, this.networkChange, sink);
    this.responses = new ResponseMatcher(o, this.clock, this.blackout, sink);
    this.stationEvents = new StationEventDetector(o, this.clock, sink);
    this.captureHealth = new CaptureHealthDetector(o, sink);
    // A live restart (clock.markRestart): every station's deadlines count from it (arp-gap.ts).
    this.clock.onRestart = () => {
      for (const st of this.stations.byMac.values()) this.arpGap.restarted(st);
    };
  }

  /** Hot path: decode one frame into the reused DecodedFrame and run the detectors on it. */
  handleFrame(frame: Frame): void {
    if (frame.ifName !== '') this.countInterface(frame);
    // A packet is analysed once, and only if it arrived: copies and drops are counted, not seen. A
    // drop is counted as a drop even when it is a copy (pktmon logs where a packet it saw pass was dropped).
    if (frame.dropped) {
      this.verdictDrops++;
      return;
    }
    if (frame.copy) {
      this.duplicates++;
      return;
    }
    decodeFrame(frame, this.decoded);
    this.handleDecoded(this.decoded);
  }

  /**
   * Hot path: run the counters and detectors on facts already decoded, for a frame stamped
   * `d.ts`. No allocation unless a station is new or an alert is raised. Times and MACs are
   * floats, and a float passed to or returned from a call that V8 does not inline is boxed: so
   * below they travel in fields (`d.ts`, `d.linkSrc`, `clock.now`), never as arguments.
   */
  handleDecoded(d: DecodedFrame): void {
    this.packets++;
    if (this.packets === 1) this.firstTs = d.ts;
    this.lastTs = d.ts;
    const r = d.reason;
    if (r >= 0) {
      this.reasonCounts[r]!++;
      const c = reasonClass[r];
      if (c === REASON_CLASS.UNSUPPORTED_LINK) this.unsupportedLink++;
      else if (c === REASON_CLASS.TRUNCATED && d.incomplete) this.truncated++;
      else this.malformed++;
    }

    this.clock.advanceTo(d);
    // A restored state keeps the start of the input it began with (new-station's grace period).
    if (this.packets === 1 && Number.isNaN(this.stationEvents.startS)) this.stationEvents.startS = this.clock.now;
    if (r === OVER_CAP_REASON && this.reasonCounts[r] === 1) this.interfacesFull();
    // Network-change markers, before the station table learns from this frame (it asks whether the station was known).
    if (d.isArp || d.l4 === L4.ICMPV6) this.networkChange.onFrame(d);

    // The ARP's sender refreshes its entry; the frame's link-layer source (usually the same MAC)
    // sent traffic. An ARP is the refresh itself, so it is not traffic at risk for its own sender.
    let arpStation: Station | undefined;
    if (isArpSender(d)) {
      arpStation = this.stations.arp(d);
      this.arpGap.onArp(arpStation, d.vlan);
      this.stationEvents.onArp(d);
    }
    if (d.hasLinkSrc) {
      const st = arpStation !== undefined && arpStation.mac === d.linkSrc ? arpStation : this.stations.linkSender(d);
      if (st !== undefined) {
        this.stations.frame(st, d);
        if (st !== arpStation) this.arpGap.onFrame(st, d);
      }
    }
    // Inbound blackouts: requests and their answers.
    if (d.l4 !== L4.NONE) this.responses.onFrame(d);
  }

  /** Rare: the first frame of an interface past the readers' cap (the frame's time is the previous one's). */
  private interfacesFull(): void {
    this.sink({ ts: this.clock.now, severity: 'warning', kind: 'table-full', table: 'interfaces', limit: MAX_INTERFACES_PER_INPUT });
  }

  /** Frames handled so far: the cheap part of `finish()`, which a dashboard reads ten times a second. */
  get packetCount(): number {
    return this.packets;
  }

  /** Rare beyond the first frames: a named (pcapng) interface's frame count; names are kept per interface, not per frame. */
  private countInterface(frame: Frame): void {
    const i = frame.ifIndex;
    if (this.ifNames[i] === undefined) {
      if (this.ifNames.length >= MAX_NAMED_INTERFACES) return;
      this.ifNames[i] = frame.ifName;
      this.ifFrames[i] = 0;
    }
    this.ifFrames[i]!++;
  }

  /** Live mode: time `t` passed with no frame; timers due by then fire (silence is seen too). */
  tick(t: number): void {
    this.captureHealth.tick(t, this.advanceClock);
    this.clock.tick(t);
  }

  /** Live mode: a fact about the capture itself (opened, counters, stopped...), in packet-time order with the frames. */
  captureFact(fact: CaptureFact): void {
    this.captureHealth.onFact(fact);
  }

  /**
   * The summary at the current packet time. It moves nothing: at the end of a file the clock stays
   * at the last frame, and a dashboard may call it for a snapshot at any time.
   */
  finish(): Summary {
    const { blackouts, ...head } = this.summaryHead();
    return { ...head, stations: [...this.stationRows()], blackouts };
  }

  /**
   * The station rows of the summary, in order of first ARP, made one at a time: a writer that
   * streams them never holds them all (a table of 65536 stations is tens of MB of rows).
   */
  *stationRows(): Generator<StationSummary> {
    const end = this.clock.now;
    const stations = [...this.stations.byMac.values()].sort((a, b) => a.seq - b.seq);
    for (const st of stations) yield this.stationSummary(st, end);
  }

  /**
   * What a restart needs (`--state`): the clock, the station table with each station's ARP-gap
   * entries, the address table and the announcers, as plain JSON-safe data (detect/state.ts).
   */
  toState(): EngineState {
    return { ...this.stateHead(), stations: [...this.stationStates()] };
  }

  /** The state without its stations, which `stationStates()` gives one at a time. */
  stateHead(): Omit<EngineState, 'stations'> {
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      arpThresholdS: this.options.arpThresholdS,
      clock: this.clock.toState(),
      events: this.stationEvents.toState(),
      announcers: this.networkChange.toState((mac) => this.stations.get(mac) !== undefined),
    };
  }

  /**
   * Each station's state, in order of first ARP, made when asked: a writer may hand the event
   * loop back between stations (a full table is tens of MB of state). A station evicted
   * meanwhile gives what its reused object holds then; `restore` skips a MAC it already has.
   */
  *stationStates(): Generator<StationState> {
    const stations = [...this.stations.byMac.values()].sort((a, b) => a.seq - b.seq);
    for (const st of stations) yield { ...stationToState(st), arpGap: this.arpGap.toState(st) };
  }

  /**
   * Rare, before the first frame: carry on from a state checked by `checkEngineState`. Returns
   * the stations restored (a smaller --max-stations keeps the most recent ones).
   */
  restore(s: EngineState): number {
    this.clock.restore(s.clock);
    this.stationEvents.restore(s.events);
    // Blackouts, outages being watched and requests waiting for answers are not kept: each is
    // measured from the send times of requests, and those sent while netgap was down are unseen.
    this.networkChange.restore(s.announcers ?? []);
    const rows = s.stations.slice(-this.options.maxStations);
    let n = 0;
    for (const row of rows) {
      const st = this.stations.restore(row, this.decoded);
      if (st === undefined) continue;
      this.arpGap.restore(st, row.arpGap);
      n++;
    }
    return n;
  }

  /** The summary at the current packet time, without its station rows (see `finish`). */
  summaryHead(): SummaryHead {
    const end = this.clock.now;
    const reasons = {} as Record<DecodeReason, number>;
    DECODE_REASONS.forEach((name, i) => (reasons[name] = this.reasonCounts[i]!));
    return {
      packets: this.packets,
      malformed: this.malformed,
      truncated: this.truncated,
      unsupported_link: this.unsupportedLink,
      reasons,
      first_ts: this.packets > 0 ? this.firstTs : null,
      last_ts: this.packets > 0 ? this.lastTs : null,
      end_ts: this.packets > 0 ? end : null,
      ts_backwards: this.clock.tsBackwards,
      duplicates: this.duplicates,
      verdict_drops: this.verdictDrops,
      ...(this.ifNames.length > 0 ? { interfaces: this.namedInterfaces() } : {}),
      evicted: {
        stations: this.stations.evicted,
        hosts: this.blackout.evicted,
        requests: this.responses.evicted,
        announcers: this.networkChange.evicted,
        blackouts: this.blackout.evictedRows,
        outages: this.blackout.evictedOutages,
        addresses: this.stationEvents.evicted,
      },
      alerts: { ...this.alertCounts },
      arp_threshold_s: this.options.arpThresholdS,
      blackouts: this.blackout.summary(end),
      outages: this.blackout.outages(),
    };
  }

  private namedInterfaces(): { name: string; frames: number }[] {
    const out: { name: string; frames: number }[] = [];
    this.ifNames.forEach((name, i) => out.push({ name, frames: this.ifFrames[i]! }));
    return out;
  }

  private stationSummary(st: Station, end: number): StationSummary {
    const gap = this.arpGap.view(st, end);
    return {
      mac: formatMac(st.mac),
      vlans: [...st.vlans],
      ips: st.ips.map(formatIpv4),
      arp_sent: st.arpSent,
      frames: st.frames,
      // None yet also when its only intervals spanned a live restart (stations.ts).
      max_arp_gap_s: st.arpSent >= 2 && Number.isFinite(st.maxArpGapS) ? st.maxArpGapS : null,
      first_seen: st.firstSeenS,
      last_seen: st.lastSeenS,
      first_arp_ts: st.firstArpTs,
      last_arp_ts: st.lastArpTs,
      arp_age_s: gap.arp_age_s,
      status: gap.status,
      warnings: gap.warnings,
      expiries: gap.expiries,
      cause: gap.cause,
      max_talk_age_s: gap.max_talk_age_s,
      cut_off_at_s: this.holds.filter((h) => gap.max_talk_age_s !== null && gap.max_talk_age_s > h),
    };
  }

  /** The what-if hold times: the common ones and the threshold in force, ascending. */
  private get holds(): number[] {
    return [...new Set([...WHAT_IF_HOLDS_S, this.options.arpThresholdS])].sort((a, b) => a - b);
  }
}
