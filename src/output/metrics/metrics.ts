// Prometheus metrics of a running netgap (exposition format 0.0.4, Prometheus's naming guide), built with prom-client.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Alert, AlertKind } from '../../detect/alerts';
import type { ArpGapStatus } from '../../detect/arp-gap-entry';
import type { Engine } from '../../detect/engine';
import { formatIpv4, formatMac } from '../../decode/address';

/*
 * What feeds what. Alerts are rare, so each one increments its counters as it is rendered
 * (`alert()`); everything read from the engine (packets, station states, ARP ages) and from the
 * capture (frames, drops) is read when Prometheus scrapes, never per packet. Counters carry
 * short events: a 7 s blackout falls between two scrapes, a counter does not lose it. Labels take
 * bounded values only (kind, severity, state, cause, interface); per-station series exist only
 * with `--metrics-stations N`, for at most N stations at a time.
 */

/** Every alert kind with the severity it is raised at: its counter series exists (at 0) from the start, so that `increase()` sees the first one. */
export const KIND_SEVERITY: { readonly [K in AlertKind]: Extract<Alert, { kind: K }>['severity'] } = {
  'arp-gap-warning': 'warning',
  'arp-gap-expired': 'critical',
  'arp-gap-recovered': 'info',
  'table-full': 'warning',
  'capture-loss': 'warning',
  'capture-idle': 'warning',
  'capture-stopped': 'critical',
  'capture-resumed': 'info',
  'output-error': 'warning',
  'network-change': 'info',
  'inbound-blackout-start': 'warning',
  'inbound-blackout': 'critical',
  'network-change-outage': 'info',
  'new-station': 'info',
  'changed-mac': 'warning',
  'flip-flop': 'warning',
  'mac-mismatch': 'info',
};

const STATES: readonly ArpGapStatus[] = ['ok', 'warning', 'expired', 'silent'];
const CAUSES = ['interface-quarantine', 'unknown'] as const;
/** Around the quarantine's 7 s +- 1.5 s (KB4338822), then minutes. */
export const BLACKOUT_BUCKETS_S = [1, 2, 3, 5, 5.5, 7, 8.5, 10, 15, 30, 60, 120, 300, 900];

/** One capture interface's counters, as the live capture reports them. */
export interface InterfaceCounts {
  name: string;
  /** Frames captured and handed to the engine. */
  frames: number;
  /** Packets the kernel counted and netgap never got; null when not measured. */
  lost: number | null;
}

export interface MetricsOptions {
  /** netgap's version, for netgap_build_info. */
  version: string;
  /** Per-station series for at most this many stations (0: none). */
  stations: number;
  /** The engine, once the analysis has started. */
  engine: () => Engine | undefined;
  /** Live capture only: per-interface counters. */
  interfaces?: () => readonly InterfaceCounts[];
}

export class NetgapMetrics {
  /** netgap's own series: what the textfile gets (node_exporter and windows_exporter have their own process metrics). */
  readonly registry = new Registry();
  /** netgap's series plus Node's process metrics: what the HTTP endpoint serves. */
  readonly served: Registry;
  private readonly alerts: Counter<'kind' | 'severity'>;
  private readonly blackouts: Counter<'cause'>;
  private readonly blackoutDuration: Histogram;
  private readonly networkChanges: Counter;

  constructor(private readonly opts: MetricsOptions) {
    const registers = [this.registry];
    const engine = opts.engine;

    new Gauge({ name: 'netgap_build_info', help: 'Always 1; the labels say which netgap runs.', labelNames: ['version'], registers }).set(
      { version: opts.version },
      1,
    );

    new Counter({
      name: 'netgap_packets_total',
      help: 'Frames analysed.',
      registers,
      collect() {
        this.reset();
        this.inc(engine()?.packetCount ?? 0);
      },
    });

    this.alerts = new Counter({ name: 'netgap_alerts_total', help: 'Alerts raised, by kind and severity.', labelNames: ['kind', 'severity'], registers });
    for (const [kind, severity] of Object.entries(KIND_SEVERITY)) this.alerts.inc({ kind, severity }, 0);

    const stationCounts = new Map<ArpGapStatus, number>();
    let arpAgeMax = 0;
    let worst: { mac: string; ip: string; age: number }[] = [];
    const perStation = opts.stations;
    // One pass over the station table per scrape, shared by the gauges below (prom-client
    // collects them in registration order, stations first).
    const scan = (): void => {
      for (const s of STATES) stationCounts.set(s, 0);
      arpAgeMax = 0;
      worst = [];
      const e = engine();
      if (e === undefined) return;
      const now = e.clock.now;
      for (const st of e.stations.byMac.values()) {
        const v = e.arpGap.view(st, now);
        stationCounts.set(v.status, stationCounts.get(v.status)! + 1);
        if (v.status === 'silent' || !Number.isFinite(v.arp_age_s)) continue;
        if (v.arp_age_s > arpAgeMax) arpAgeMax = v.arp_age_s;
        if (perStation > 0 && (v.status === 'warning' || v.status === 'expired'))
          worst.push({ mac: formatMac(st.mac), ip: st.lastIp >= 0 ? formatIpv4(st.lastIp) : '', age: v.arp_age_s });
      }
      worst.sort((a, b) => b.age - a.age);
      worst.length = Math.min(worst.length, perStation);
    };

    new Gauge({
      name: 'netgap_stations',
      help: 'Stations in the table, by ARP-gap state (ok, warning, expired: talking past the threshold, silent).',
      labelNames: ['state'],
      registers,
      collect() {
        scan();
        for (const [state, n] of stationCounts) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'netgap_arp_age_max_seconds',
      help: 'Oldest ARP age among the stations that are talking (not silent), in packet time.',
      registers,
      collect() {
        this.set(arpAgeMax);
      },
    });
    if (perStation > 0) {
      new Gauge({
        name: 'netgap_station_arp_age_seconds',
        help: `ARP age of the stations past the warning age, at most ${perStation} (--metrics-stations), oldest first; a series goes when its station ARPs again.`,
        labelNames: ['mac', 'ip'],
        registers,
        collect() {
          this.reset();
          for (const w of worst) this.set({ mac: w.mac, ip: w.ip }, w.age);
        },
      });
    }
    new Gauge({
      name: 'netgap_arp_threshold_seconds',
      help: "The bridge's forwarding-entry lifetime in force (--arp-threshold).",
      registers,
      collect() {
        const e = engine();
        if (e !== undefined) this.set(e.options.arpThresholdS);
      },
    });
    new Gauge({
      name: 'netgap_arp_warn_seconds',
      help: 'The ARP age at which a talking station is warned about (--arp-warn).',
      registers,
      collect() {
        const e = engine();
        if (e !== undefined) this.set(e.options.arpWarnS);
      },
    });

    this.blackouts = new Counter({ name: 'netgap_blackouts_total', help: 'Inbound blackouts that ended, by cause.', labelNames: ['cause'], registers });
    for (const cause of CAUSES) this.blackouts.inc({ cause }, 0);
    this.blackoutDuration = new Histogram({
      name: 'netgap_blackout_duration_seconds',
      help: 'Durations of the inbound blackouts that ended.',
      buckets: BLACKOUT_BUCKETS_S,
      registers,
    });
    this.networkChanges = new Counter({
      name: 'netgap_network_changes_total',
      help: 'Network-change announcements (migrations, reconnected links).',
      registers,
    });

    if (opts.interfaces !== undefined) {
      const interfaces = opts.interfaces;
      new Counter({
        name: 'netgap_capture_packets_total',
        help: 'Frames captured on each interface.',
        labelNames: ['interface'],
        registers,
        collect() {
          this.reset();
          for (const i of interfaces()) this.inc({ interface: i.name }, i.frames);
        },
      });
      new Counter({
        name: 'netgap_capture_dropped_packets_total',
        help: 'Packets the kernel counted on each interface that never reached netgap (absent where not measured).',
        labelNames: ['interface'],
        registers,
        collect() {
          this.reset();
          for (const i of interfaces()) if (i.lost !== null) this.inc({ interface: i.name }, i.lost);
        },
      });
    }

    const processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    // Gauges named like counters, which `promtool check metrics` rejects; the per-type series
    // (nodejs_active_handles{type}, ...) say the same.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
      processRegistry.removeSingleMetric(name);
    this.served = Registry.merge([this.registry, processRegistry]);
  }

  /** An alert was raised (rare): count it. */
  alert(a: Alert): void {
    this.alerts.inc({ kind: a.kind, severity: a.severity });
    if (a.kind === 'inbound-blackout') {
      this.blackouts.inc({ cause: a.cause });
      this.blackoutDuration.observe(a.duration_s);
    } else if (a.kind === 'network-change') {
      this.networkChanges.inc();
    }
  }

  /** What the HTTP endpoint serves: netgap's series and the process metrics. */
  scrape(): Promise<string> {
    return this.served.metrics();
  }

  /** What the textfile gets: netgap's series only. */
  textfile(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.served.contentType;
  }

  /** Per-station series asked for (--metrics-stations). */
  get stationLimit(): number {
    return this.opts.stations;
  }
}
