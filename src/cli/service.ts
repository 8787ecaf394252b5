// What `read` and `live` add when netgap runs as a service: the metrics endpoint and textfile (issue 18), opened and checked before capture starts.

import { hostname } from 'node:os';
import type { Alert, OutputErrorAlert } from '../detect/alerts';
import { ReopeningFile } from '../output/reopening-file';
import type { Engine } from '../detect/engine';
import { formatListenAddress, parseListenAddress } from '../output/metrics/listen';
import type { InterfaceCounts } from '../output/metrics/metrics';
import { NetgapMetrics } from '../output/metrics/metrics';
import type { MetricsServer } from '../output/metrics/server';
import { MetricsListenError, serveMetrics } from '../output/metrics/server';
import { TextfileWriter } from '../output/metrics/textfile';
import type { EngineState } from '../detect/state';
import { sanitize } from '../output/sanitize';
import { checkWritable, readStateFile, writeStateFileSliced } from './state-file';
import type { ServiceOptions } from './options';
import { readPackageVersion } from './version';

export const DEFAULT_STATE_INTERVAL_S = 60;

/** A file-system error in words, without the temp file's name (the caller names the option and the path). */
export function pathProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return 'a path component is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return (err as Error).message;
  }
}

/**
 * The `host` of the records: --sensor, else this machine's name when it is the sensor (`live`)
 * or writes the log (--output): a capture read elsewhere was not captured here. The system's
 * name is printed, so it is made safe as any printed text, then held to what --sensor accepts
 * (a syslog HOSTNAME: printable ASCII, no space, at most 255 characters), and never empty.
 */
export function sensorHost(sensor: string | undefined, own: boolean, name: () => string = hostname): string | undefined {
  if (sensor !== undefined) return sensor;
  if (!own) return undefined;
  const h = sanitize(name())
    .replace(/[^!-~]/g, '_')
    .slice(0, 255);
  return h === '' ? 'localhost' : h;
}

/** Bad input found before capture starts: one line naming the option and the path or address (exit 2). */
export class ServiceSetupError extends Error {}

export interface ServiceSources {
  engine: () => Engine | undefined;
  interfaces?: () => readonly InterfaceCounts[];
}

/** The metrics endpoint and textfile of one run; alerts go through `alert`, `close` writes the last figures. */
export class Service {
  private engine: Engine | undefined;
  private stateTimer: NodeJS.Timeout | null = null;
  private stateError: string | null = null;
  /** The write under way, if any: a timer that fires meanwhile skips its turn. */
  private stateWrite: Promise<void> | null = null;

  /** Where alert lines and the summary go instead of stdout (--output); null for stdout. */
  output: ReopeningFile | null = null;
  /** The sensor's name every NDJSON record carries; undefined when none (`read` without --sensor or --output). */
  host: string | undefined;

  private constructor(
    private readonly metrics: NetgapMetrics | null,
    private readonly server: MetricsServer | null,
    private readonly textfile: TextfileWriter | null,
    private readonly state: { path: string; intervalS: number; restore: EngineState | null } | null,
    private readonly warn: (text: string) => void,
  ) {}

  /** Where the endpoint listens, for the start-up line; null without --metrics. */
  get listening(): string | null {
    return this.server === null ? null : formatListenAddress(this.server.address);
  }

  /**
   * Opens what the options ask for, in the order a mistake is cheapest to report: the address
   * is parsed, the textfile written once (an unwritable path or a missing directory fails here),
   * then the port bound. Throws ServiceSetupError, having closed whatever it had opened. `live`:
   * the records are this machine's findings, so they always carry its name.
   */
  static async open(o: ServiceOptions, sources: ServiceSources, warn: (text: string) => void, live = false): Promise<Service> {
    let output: ReopeningFile | null = null;
    if (o.output !== undefined) {
      try {
        output = new ReopeningFile(o.output);
      } catch (err) {
        throw new ServiceSetupError(`--output ${o.output}: ${pathProblem(err)}`);
      }
    }
    let service: Service;
    try {
      service = await Service.openRest(o, sources, warn);
    } catch (err) {
      output?.destroy();
      throw err;
    }
    service.output = output;
    service.host = sensorHost(o.sensor, live || output !== null);
    return service;
  }

  private static async openRest(o: ServiceOptions, sources: ServiceSources, warn: (text: string) => void): Promise<Service> {
    let state: { path: string; intervalS: number; restore: EngineState | null } | null = null;
    if (o.state !== undefined) {
      const path = o.state;
      try {
        checkWritable(path);
        const read = readStateFile(path);
        if (read.warning !== null) warn(read.warning);
        state = { path, intervalS: o.stateInterval ?? DEFAULT_STATE_INTERVAL_S, restore: read.state };
      } catch (err) {
        throw new ServiceSetupError(`--state ${path}: ${pathProblem(err)}`);
      }
    }
    if (o.metrics === undefined && o.metricsTextfile === undefined) return new Service(null, null, null, state, warn);
    const at = o.metrics === undefined ? null : parseListenAddress(o.metrics);
    if (o.metrics !== undefined && at === null) throw new ServiceSetupError(`--metrics ${o.metrics}: expected [HOST:]PORT, e.g. 9473 or 0.0.0.0:9473`);
    const metrics = new NetgapMetrics({
      version: readPackageVersion(),
      stations: o.metricsStations ?? 0,
      engine: sources.engine,
      interfaces: sources.interfaces,
    });
    let textfile: TextfileWriter | null = null;
    if (o.metricsTextfile !== undefined) {
      const path = o.metricsTextfile;
      textfile = new TextfileWriter(path, metrics, (err) =>
        warn(`--metrics-textfile ${path}: ${pathProblem(err)} (the file is rewritten every 15 s; netgap goes on)`),
      );
      try {
        await textfile.write();
      } catch (err) {
        throw new ServiceSetupError(`--metrics-textfile ${path}: ${pathProblem(err)}`);
      }
      textfile.start();
    }
    let server: MetricsServer | null = null;
    if (at !== null) {
      try {
        server = await serveMetrics(metrics, at);
      } catch (err) {
        await textfile?.stop();
        if (err instanceof MetricsListenError) throw new ServiceSetupError(err.message);
        throw err;
      }
    }
    return new Service(metrics, server, textfile, state, warn);
  }

  /**
   * The engine, before its first frame: the saved state is restored into it, and the state is
   * written every --state-interval from now on.
   */
  attach(engine: Engine, live = false): void {
    this.engine = engine;
    const s = this.state;
    if (s === null) return;
    if (s.restore !== null) {
      if (s.restore.arpThresholdS !== engine.options.arpThresholdS) {
        this.warn(
          `--state ${s.path}: saved with --arp-threshold ${s.restore.arpThresholdS}, now ${engine.options.arpThresholdS}: the saved gaps are measured against the new one`,
        );
      }
      engine.restore(s.restore);
      // Live, the time until the first frame or tick is time netgap was not watching; a file read in parts has no such time.
      if (live) engine.clock.markRestart();
    }
    this.stateTimer = setInterval(() => void this.saveState(), s.intervalS * 1000);
    this.stateTimer.unref();
  }

  private hangup: (() => void) | null = null;

  /**
   * With --output: on SIGHUP (logrotate's postrotate) the file is opened again by its path. When
   * that fails, writing goes on to the open file and `raise` gets an output-error alert stamped
   * `now()` (the packet clock; before the first frame, the wall clock). Until `close`.
   */
  watchHangup(now: () => number, raise: (alert: OutputErrorAlert) => void): void {
    const f = this.output;
    if (f === null || this.hangup !== null) return;
    this.hangup = () => {
      const err = f.reopen();
      if (err === null) return;
      const t = now();
      raise({ ts: Number.isFinite(t) ? t : Date.now() / 1000, severity: 'warning', kind: 'output-error', file: f.path, detail: pathProblem(err) });
    };
    process.on('SIGHUP', this.hangup);
  }

  /** Writes the state now (unless a write is under way); a failure is said once (and again after a success), and netgap goes on. */
  private saveState(): Promise<void> {
    const s = this.state;
    const engine = this.engine;
    if (s === null || engine === undefined) return Promise.resolve();
    this.stateWrite ??= writeStateFileSliced(s.path, engine.stateHead(), engine.stationStates())
      .then(
        () => {
          this.stateError = null;
        },
        (err: unknown) => {
          const why = pathProblem(err);
          if (this.stateError === null) this.warn(`--state ${s.path}: ${why} (retried every ${s.intervalS} s; netgap goes on)`);
          this.stateError = why;
        },
      )
      .finally(() => {
        this.stateWrite = null;
      });
    return this.stateWrite;
  }

  /** An alert was raised (rare). */
  alert(a: Alert): void {
    this.metrics?.alert(a);
  }

  /** Writes the textfile's last figures and closes the endpoint. */
  async close(): Promise<void> {
    if (this.hangup !== null) process.off('SIGHUP', this.hangup);
    this.hangup = null;
    if (this.stateTimer !== null) clearInterval(this.stateTimer);
    this.stateTimer = null;
    // The last write has the final state: one under way may have started before the last frames.
    await this.stateWrite;
    await this.saveState();
    await this.textfile?.stop();
    await this.server?.close();
    const out = this.output;
    if (out !== null) await new Promise<void>((done) => out.end(done));
  }
}
