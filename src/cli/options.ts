// Every command-line option of `read` and `live`, declared once: parser, default (the engine's, KB2832644/KB4338822) and the checks across options.

import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from '../detect/options';
import { parseIgnoreEntry } from '../detect/ignore';
import { parseListenAddress } from '../output/metrics/listen';
import { DEFAULT_BUFFER_MIB, MAX_BUFFER_MIB } from './buffer-size';

function seconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds > 0');
  return n;
}

function speed(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0 (0: as fast as possible)');
  return n;
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

function mebibytes(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BUFFER_MIB) throw new InvalidArgumentError(`expected a whole number of MiB from 1 to ${MAX_BUFFER_MIB}`);
  return n;
}

/** Repeatable options (`-i a -i b`) gather into a list. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The detectors' options as commander names them (README: the `netgap read` options table). */
export interface DetectorOptions {
  arpThreshold: number;
  arpWarn: number;
  maxStations: number;
  responseTimeout: number;
  blackoutMin: number;
  maxHosts: number;
  maxRequests: number;
  /** --per-vlan: one ARP-gap state per MAC and VLAN. */
  perVlan?: boolean;
  /** --new-stations: new-station for every address first claimed (live: also during its learning period). */
  newStations?: boolean;
  /** --ignore, repeatable: MACs, IPv4 addresses, IPv4 CIDRs whose alerts are dropped. */
  ignore?: string[];
}

/** --ignore entries: a MAC, an IPv4 address or an IPv4 CIDR, repeatable. */
function ignoreEntry(text: string, previous: string[] | undefined): string[] {
  if (parseIgnoreEntry(text) === null) throw new InvalidArgumentError('expected a MAC, an IPv4 address or an IPv4 CIDR');
  return collect(text, previous);
}

/** The engine options that are numbers: the ones a DetectorOptionSpec sets. */
type NumericEngineOption = { [K in keyof EngineOptions]: EngineOptions[K] extends number ? K : never }[keyof EngineOptions];

interface DetectorOptionSpec {
  readonly flags: string;
  readonly help: string;
  readonly parse: (text: string) => number;
  /** The engine option it sets, whose default it shows. */
  readonly engine: NumericEngineOption;
}

/** Each detector option, keyed by its commander name; the same for `read` and `live`. */
const DETECTOR_OPTIONS: Readonly<Record<Exclude<keyof DetectorOptions, 'perVlan' | 'newStations' | 'ignore'>, DetectorOptionSpec>> = {
  arpThreshold: { flags: '--arp-threshold <seconds>', help: "the bridge's forwarding-entry lifetime", parse: seconds, engine: 'arpThresholdS' },
  arpWarn: { flags: '--arp-warn <seconds>', help: 'warn when a talking station has not ARPed for this long', parse: seconds, engine: 'arpWarnS' },
  maxStations: { flags: '--max-stations <n>', help: 'cap of the station table (the oldest are evicted beyond it)', parse: count, engine: 'maxStations' },
  responseTimeout: {
    flags: '--response-timeout <seconds>',
    help: 'a request with no answer after this long counts as unanswered',
    parse: seconds,
    engine: 'responseTimeoutS',
  },
  blackoutMin: {
    flags: '--blackout-min <seconds>',
    help: 'unanswered requests to a host must span this long to make a blackout',
    parse: seconds,
    engine: 'blackoutMinS',
  },
  maxHosts: {
    flags: '--max-hosts <n>',
    help: 'cap of the tables of answering hosts and of announcing MACs (the oldest are evicted beyond it)',
    parse: count,
    engine: 'maxHosts',
  },
  maxRequests: {
    flags: '--max-requests <n>',
    help: 'cap of the table of requests waiting for an answer (the oldest are evicted beyond it)',
    parse: count,
    engine: 'maxRequests',
  },
};

const DETECTOR_NAMES = Object.keys(DETECTOR_OPTIONS) as Array<keyof typeof DETECTOR_OPTIONS>;

/** The engine options the detector options set. */
export function engineOptions(opts: DetectorOptions): Partial<EngineOptions> {
  const o: Partial<EngineOptions> = {};
  for (const name of DETECTOR_NAMES) o[DETECTOR_OPTIONS[name].engine] = opts[name];
  if (opts.perVlan === true) o.perVlan = true;
  // `read` reports new stations only when asked: every station of a capture is new to it.
  if (opts.newStations === true) o.newStationsAfterS = 0;
  if (opts.ignore !== undefined) o.ignore = opts.ignore;
  return o;
}

export interface ReadOptions extends DetectorOptions, ServiceOptions {
  json?: boolean;
  failOn?: 'warning' | 'critical';
  tui?: boolean;
  /** With --tui: times real time; 0 as fast as possible. */
  speed?: number;
  /** pcapng: only the interfaces (pktmon components) whose name contains this, or whose interface id it is. */
  interfaceFilter?: string;
}

export interface LiveOptions extends DetectorOptions, ServiceOptions {
  /** Devices to capture on (`-i`, repeatable). */
  interface: string[];
  filter?: string;
  /** libpcap's buffer per interface, MiB. */
  bufferSize: number;
  count?: number;
  duration?: number;
  write?: string;
  json?: boolean;
  /** Force the dashboard (`--tui`) or alert lines (`--tail`); by default the dashboard opens when stdout and stdin are a terminal. */
  tui?: boolean;
  tail?: boolean;
  user?: string;
  /** Seconds without a frame before capture-idle. */
  idle: number;
  /** commander's `--no-retry` sets this to false. */
  retry: boolean;
  /** What captures: dumpcap, cap, or auto (dumpcap where installed). */
  captureEngine: CaptureEngineChoice;
}

/** `--capture-engine`'s values. */
export const CAPTURE_ENGINES = ['auto', 'dumpcap', 'cap'] as const;
export type CaptureEngineChoice = (typeof CAPTURE_ENGINES)[number];

const JSON_HELP = 'write NDJSON: one alert object per line, then one summary object';

function addDetectorOptions(c: Command): Command {
  for (const name of DETECTOR_NAMES) {
    const spec = DETECTOR_OPTIONS[name];
    c.addOption(new Option(spec.flags, spec.help).argParser(spec.parse).default(DEFAULT_ENGINE_OPTIONS[spec.engine]));
  }
  return c
    .option('--per-vlan', 'measure ARP gaps per MAC and VLAN, for switches that learn per VLAN (default: per MAC, as bridge.sys)')
    .option('--new-stations', 'raise new-station for every address first claimed in ARP (live: without it, only after 20 minutes of learning)')
    .option('--ignore <MAC|IP|CIDR>', 'drop the alerts about this device or network (repeatable), e.g. a proxy-ARP router', ignoreEntry);
}

/** `read`'s options, added to its command. */
export function addReadOptions(c: Command): Command {
  return addServiceOptions(addDetectorOptions(c.option('--json', JSON_HELP)))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when an alert of this severity or worse was raised').choices(['warning', 'critical']))
    .option('--tui', 'replay in the terminal dashboard, which stays open at the end until q')
    .option('--speed <n>', 'with --tui: replay at n times real time from packet timestamps (0: as fast as possible)', speed)
    .option('--interface-filter <name|id>', 'pcapng: analyse only the interfaces whose name contains this, or whose interface id it is (one pktmon component)');
}

/** `live`'s options, added to its command. */
export function addLiveOptions(c: Command): Command {
  return addServiceOptions(
    addDetectorOptions(
      c
        .requiredOption('-i, --interface <name>', 'capture on this device; repeat for several (`netgap interfaces` lists them)', collect)
        .option('--filter <bpf>', 'capture what this pcap-filter expression keeps, plus every ARP and RARP frame (the detectors need those)')
        .option('--buffer-size <MiB>', 'capture buffer of each interface (the kernel ring on Linux)', mebibytes, DEFAULT_BUFFER_MIB)
        .option('--count <n>', 'stop after n frames', count)
        .option('--duration <seconds>', 'stop after this long', seconds)
        .option('--write <file>', 'also write the captured frames to this file (pcap; pcapng if it ends in .pcapng), with the same timestamps')
        .option('--json', JSON_HELP)
        .option('--tui', 'open the dashboard even when stdout is not a terminal')
        .option('--tail', 'print alert lines even on a terminal (the dashboard opens there by default)')
        .option('--user <name>', 'once the interfaces are open, drop root and run as this user (as tcpdump -Z does)')
        .option('--no-retry', 'exit when an interface goes away, instead of reopening it every 3 s')
        .option('--idle <seconds>', 'raise capture-idle when nothing was captured on an interface for this long', seconds, 60)
        .addOption(
          new Option(
            '--capture-engine <engine>',
            "what captures: Wireshark's dumpcap (kernel timestamps and drop counts) or netgap's own process on the cap module; auto: dumpcap where installed",
          )
            .choices(CAPTURE_ENGINES)
            .default('auto'),
        ),
    ),
  );
}

/** The service options of `read` and `live` (issue 18): metrics, state, output, sensor; the files and ports are checked when they open (cli/service.ts). */
export interface ServiceOptions {
  /** `--metrics [HOST:]PORT`, checked by its parser. */
  metrics?: string;
  metricsTextfile?: string;
  metricsStations?: number;
  state?: string;
  stateInterval?: number;
  output?: string;
  sensor?: string;
}

function listenAddress(text: string): string {
  if (parseListenAddress(text) === null) throw new InvalidArgumentError('expected [HOST:]PORT, e.g. 9473 or 0.0.0.0:9473');
  return text;
}

/** A sensor name as RFC 5424 allows a HOSTNAME: printable ASCII, no space, at most 255 characters. */
function sensorName(text: string): string {
  if (!/^[!-~]{1,255}$/.test(text)) throw new InvalidArgumentError('expected printable ASCII without spaces, at most 255 characters (as a syslog HOSTNAME)');
  return text;
}

function addServiceOptions(c: Command): Command {
  return c
    .option('--metrics <[host:]port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (host 127.0.0.1 unless given)', listenAddress)
    .option('--metrics-textfile <file>', "write the metrics to this file every 15 s, atomically, for node_exporter's or windows_exporter's textfile collector")
    .option('--metrics-stations <n>', 'per-station ARP-age series for at most n stations past --arp-warn', count)
    .option('--state <file>', 'keep the stations in this file across restarts: read at start, written every --state-interval and at exit')
    .option('--state-interval <seconds>', 'how often --state is written (default 60)', seconds)
    .option('--output <file>', 'write the alert lines and the summary to this file (appended) instead of stdout; SIGHUP opens it again (logrotate)')
    .option('--sensor <name>', "the `host` of every NDJSON record (default: this host's name live, and with --output)", sensorName);
}

/** Why the service options cannot work together; null when they can. */
export function serviceOptionsError(o: ServiceOptions): string | null {
  if (o.metricsStations !== undefined && o.metrics === undefined && o.metricsTextfile === undefined)
    return '--metrics-stations needs --metrics or --metrics-textfile';
  if (o.stateInterval !== undefined && o.state === undefined) return '--state-interval needs --state';
  return null;
}

/** Whether the user typed an option (commander name), rather than it keeping its default. */
export type Given = (name: string) => boolean;

/** `Given` for a parsed command. */
export function givenOn(c: Command): Given {
  return (name) => c.getOptionValueSource(name) === 'cli';
}

/**
 * Why the detector options cannot work together, naming what the user typed and the value in
 * force; null when they can. Each option alone was checked by its parser.
 */
export function detectorOptionsError(o: DetectorOptions, given: Given): string | null {
  if (o.arpWarn < o.arpThreshold) return null;
  const warn = given('arpWarn');
  const threshold = given('arpThreshold');
  if (threshold && !warn) return `--arp-threshold ${o.arpThreshold} needs --arp-warn below it; --arp-warn is ${o.arpWarn} by default`;
  if (warn && !threshold) return `--arp-warn ${o.arpWarn} must be below --arp-threshold; --arp-threshold is ${o.arpThreshold} by default`;
  return `--arp-warn ${o.arpWarn} must be below --arp-threshold ${o.arpThreshold}`;
}

/** Why `read` cannot run with these options and files; null when it can. */
export function readOptionsError(files: readonly string[], o: ReadOptions, given: Given, terminal: boolean): string | null {
  const detectors = detectorOptionsError(o, given) ?? serviceOptionsError(o);
  if (detectors !== null) return detectors;
  if (o.tui !== true) return o.speed !== undefined ? `--speed ${o.speed} needs --tui` : null;
  if (o.json === true) return '--tui and --json exclude each other';
  if (files.includes('-')) return '--tui reads its keys from the terminal: give capture files, not -';
  if (!terminal) return '--tui needs a terminal';
  return null;
}

/** Why `live` cannot run with these options; null when it can. */
export function liveOptionsError(o: LiveOptions, given: Given): string | null {
  const detectors = detectorOptionsError(o, given) ?? serviceOptionsError(o);
  if (detectors !== null) return detectors;
  if (o.tui === true) {
    const excluded = [o.tail === true ? '--tail' : '', o.json === true ? '--json' : ''].filter((f) => f !== '');
    if (excluded.length > 0) return `--tui excludes ${excluded.join(' and ')}`;
  }
  const twice = o.interface.find((name, i) => o.interface.indexOf(name) !== i);
  if (twice !== undefined) return `-i ${twice} is given twice: each frame would be seen twice`;
  return null;
}
