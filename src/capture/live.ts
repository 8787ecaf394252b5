// `netgap live`'s capture: one capture process per interface (live-child.ts), merged in time order into the engine's input, and the capture's own health.

import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Observable, interval, timer } from 'rxjs';
import type { Subscription } from 'rxjs';
import type { FrameSink } from './frame';
import { anchorClock, LiveClock } from './live-clock';
import { hasInterfaceCounters, interfaceIndex } from './live-counters';
import { LossMeter } from './live-loss';
import { LiveMerge } from './live-merge';
import type { CaptureErrorLine, CaptureErrorReason, CaptureProcessConfig } from './live-stream';
import { CAPTURE_ERROR_PREFIX } from './live-stream';
import type { RunAs } from './live-user';
import { classifyDumpcapError, DUMPCAP_LATENCY_S, dumpcapArgs, DumpcapPipe, dumpcapSawGone, DumpcapStream, isDumpcapChatter, waitingForPackets } from './live/dumpcap';
import { interfaceMtu, interfacePackets } from './live-counters';

/** What the capture drives: the engine's input (pipeline.ts EngineInput has this shape). */
export interface LiveTarget {
  readonly frame: FrameSink;
  tick(t: number): void;
}

export interface LiveCaptureOptions {
  /** Devices, in `-i` order; a frame's ifIndex is its device's position here. */
  readonly interfaces: readonly string[];
  /** The BPF program given to libpcap ('' for none): the user's filter already combined (see combineFilter). */
  readonly filter: string;
  /** Whether the user gave a filter: then the kernel counters include what it rejects, and loss is not measured. */
  readonly userFilter: boolean;
  /** libpcap's buffer per interface, bytes. */
  readonly bufferBytes: number;
  /** Open an interface again after it went away (false: stop instead). */
  readonly retry: boolean;
  /** Capture processes become this user once their device is open. */
  readonly runAs: RunAs | null;
  /** Stop after this many frames (--count); Infinity for no limit. */
  readonly count: number;
  /** Nothing captured on an interface for this long raises capture-idle, seconds. */
  readonly idleS: number;
  /** The capture process: dumpcap (at this path) writing pcapng, or netgap's own on `cap`. */
  readonly engine: CaptureEngine;
}

/** How frames are captured: Wireshark's dumpcap (its path), or netgap's own capture process on `cap`. */
export type CaptureEngine = { readonly kind: 'dumpcap'; readonly path: string } | { readonly kind: 'cap' };

/** Facts about the capture itself, in packet time; the CLI turns them into alerts. */
export type CaptureHealth =
  | { readonly kind: 'loss'; readonly ts: number; readonly iface: string; readonly lost: number; readonly counted: number; readonly windowS: number; readonly oversize: number }
  | { readonly kind: 'idle'; readonly ts: number; readonly iface: string; readonly idleS: number }
  | { readonly kind: 'stopped'; readonly ts: number; readonly iface: string; readonly reason: StopReason; readonly detail: string; readonly retry: boolean }
  | { readonly kind: 'resumed'; readonly ts: number; readonly iface: string; readonly downS: number };

/** Why a capture stopped: the interface went away, or its capture process ended for another reason. */
export type StopReason = 'interface-gone' | 'capture-failed';

/** Where an interface's loss figure comes from, or why there is none. */
export type LossMethod = 'pcap-stats' | 'kernel-counters' | 'not-measured-filter' | 'not-measured-no-counters';

/** One interface's figures, for the summary and the progress stream. */
export interface InterfaceStats {
  readonly name: string;
  /** LINKTYPE_* reported when it opened. */
  readonly linkType: number;
  /** Frames captured and handed on. */
  readonly frames: number;
  /** Packets the kernel counted on the interface while it was captured; null when not measured. */
  readonly counted: number | null;
  /** Packets confirmed lost; null when not measured. */
  readonly lost: number | null;
  /** Frames longer than the MTU (merged by offloads): while > 0, `counted`/`lost` rest on an estimate. */
  readonly oversize: number;
  readonly lossMethod: LossMethod;
  /** Times the capture was opened again after it stopped. */
  readonly restarts: number;
}

/** Emitted by `run()` on every heartbeat (a batch-level event: never per frame). */
export interface LiveProgress {
  /** Live-clock time of the heartbeat, epoch seconds. */
  readonly ts: number;
  readonly interfaces: readonly InterfaceStats[];
}

/** A capture process could not open its interface at start. */
export class CaptureOpenError extends Error {
  constructor(
    readonly iface: string,
    readonly reason: CaptureErrorReason | 'no-answer',
    readonly detail: string,
  ) {
    super(`${iface}: ${detail}`);
    this.name = 'CaptureOpenError';
  }
}

/**
 * What the detectors always need, whatever `--filter` says: every ARP and RARP frame, so that
 * each station's refreshes are seen. `arp or rarp` covers untagged frames, and on Linux also
 * frames under one VLAN tag, since the kernel strips that tag before the filter runs. The byte
 * tests cover tags left in the frame (Npcap, an inner QinQ tag) for 802.1Q, 802.1ad and 0x9100.
 * They use `ether[]` rather than pcap-filter's `vlan`, because `vlan` shifts the offsets of
 * everything after it in the expression: the user's filter comes last and keeps its own meaning.
 */
const TAG = '(ether[12:2] = 0x8100 or ether[12:2] = 0x88a8 or ether[12:2] = 0x9100)';
const INNER_TAG = '(ether[16:2] = 0x8100 or ether[16:2] = 0x88a8 or ether[16:2] = 0x9100)';
const ARP_AT = (off: number): string => `(ether[${off}:2] = 0x0806 or ether[${off}:2] = 0x8035)`;
export const DETECTOR_FILTER = `arp or rarp or (${TAG} and (${ARP_AT(16)} or (${INNER_TAG} and ${ARP_AT(20)})))`;

/** The BPF program for a user's `--filter`: theirs or what the detectors need. No filter: everything. */
export function combineFilter(user: string): string {
  return user.trim() === '' ? '' : `${DETECTOR_FILTER} or (${user})`;
}

/** Time between TICK records: a silent station's timer fires at most this late. */
const TICK_MS = 100;
/** Time between counter samples. */
const STATS_MS = 1000;
/** The parent's heartbeat: stalled streams, progress. */
const HEARTBEAT_MS = 250;
/** A stream that vouched for nothing this long no longer holds the merge back. */
const STALL_S = 2;
/** Time between attempts to open an interface that went away. */
const RETRY_S = 3;
/** At most one capture-loss alert per interface in this many seconds (the next one sums up the rest). */
const LOSS_ALERT_EVERY_S = 10;
/** How long a capture process may take to open its device. */
const OPEN_TIMEOUT_MS = 15_000;
/** How long a capture process may take to stop before it is killed. */
const STOP_TIMEOUT_MS = 3000;

/**
 * The capture process's priority (nice). On a busy machine it must drain the ring before anything
 * else runs, the analysis included (which has its own queue in between): measured on a 2-core VM
 * at 100 kpps, a 64 MiB ring lost up to 3 % at the normal priority and nothing at -10. Setting it
 * needs root; without, it stays at the normal priority.
 */
const CAPTURE_NICE = -10;
/** libpcap's pcap_lookupnet() warning, printed from C by cap for a device with no IPv4 address: harmless here. */
const LOOKUPNET_WARNING = /^Warning: .* - This may not actually work$/;
/** cap's assertion when the device disappears under it (binding.cc cb_packets); the abort that follows is expected. */
const CAP_POLL_ASSERTION = /Assertion `status == 0' failed/;

const CHILD_SCRIPT = join(__dirname, 'live-child.js');
/** dumpcap's last lines kept for the error message, beyond its normal chatter. */
const STDERR_TAIL_LINES = 20;
/** What a capture needs, and all dumpcap keeps under --user (setpriv's capability names). */
const CAPTURE_CAPS = '+net_raw,+net_admin';

interface Startup {
  opened: () => void;
  failed: (err: CaptureOpenError) => void;
}

/** Runs a capture process before anything else (see CAPTURE_NICE). */
function raisePriority(child: { pid?: number | undefined }): void {
  if (child.pid === undefined) return;
  try {
    setPriority(child.pid, CAPTURE_NICE);
  } catch {
    // Not root (setcap'd node has no CAP_SYS_NICE): it runs at the normal priority.
  }
}

type CaptureChild = ChildProcessByStdio<Writable, Readable | null, Readable>;

/** One `-i` device: its capture process (if any), its state and its figures. */
class Interface {
  child: CaptureChild | null = null;
  /** With dumpcap: its pcapng stream turned into records, and the last lines it printed. */
  stream: DumpcapStream | null = null;
  /** dumpcap's stdout read in batches (POSIX); null where it is read as a stream (Windows). */
  pipe: DumpcapPipe | null = null;
  stderrTail: string[] = [];
  /** 'starting': spawned, no HELLO yet; 'capturing'; 'down': gone, retrying; 'ended'. */
  state: 'starting' | 'capturing' | 'down' | 'ended' = 'starting';
  linkType = -1;
  /** The capture process's error line, if it wrote one. */
  error: CaptureErrorLine | null = null;
  /** It died on cap's poll assertion: the device went away under it. */
  sawGone = false;
  restarts = 0;
  /** HELLO records merged: the first opens the capture, each later one is a capture process that reopened it. */
  hellos = 0;
  downSinceS = NaN;
  retryTimer: Subscription | null = null;
  readonly loss = new LossMeter();
  /** HELLO time of the current process: idle time counts from here until a frame comes. */
  openedS = NaN;
  /** capture-idle was raised for the silence that began at idleFromS. */
  idleAlerted = false;
  idleFromS = NaN;
  lossAlerted = 0;
  countedAtLossAlert = 0;
  oversizeAtLossAlert = 0;
  lossWindowStartS = NaN;
  lastLossAlertS = -Infinity;

  constructor(
    readonly index: number,
    readonly name: string,
    /** Decided once at start: whether the kernel counters can be compared with the capture. */
    readonly lossMethod: LossMethod,
  ) {}
}

/**
 * Runs the capture processes and merges their records. `open()` starts them and resolves once
 * every interface is open (or rejects with the first CaptureOpenError); `run(target)` then feeds
 * frames and ticks to the target and returns the batch-level Observable the pipeline subscribes
 * to; `stop()` ends the run: every frame captured until then is delivered, then it completes.
 */
export class LiveCapture {
  readonly clock: LiveClock;
  private readonly merge: LiveMerge;
  private readonly ifaces: Interface[];
  private readonly counters = hasInterfaceCounters();
  private target: LiveTarget | null = null;
  private stopping = false;
  private finish: (() => void) | null = null;
  /** An interface went away and `retry` is off: the run ends as failed (exit code 2). */
  failed = false;

  constructor(
    private readonly options: LiveCaptureOptions,
    /** Called synchronously, in packet-time order with the frames, for each capture health fact. */
    private readonly onHealth: (h: CaptureHealth) => void,
    /** Called with each line a capture process printed that netgap does not recognise. */
    private readonly onWarning: (iface: string, line: string) => void,
  ) {
    this.clock = new LiveClock(anchorClock());
    this.merge = new LiveMerge(options.interfaces.length);
    this.ifaces = options.interfaces.map((name, i) => {
      const method: LossMethod = options.userFilter ? 'not-measured-filter' : this.counters && interfaceIndex(name) >= 0 ? 'kernel-counters' : 'not-measured-no-counters';
      return new Interface(i, name, method);
    });
  }

  /** Starts every capture process; resolves when all have opened their device. */
  open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let waiting = this.ifaces.length;
      const timeout = setTimeout(() => {
        const slow = this.ifaces.find((f) => f.state === 'starting');
        this.abort();
        reject(new CaptureOpenError(slow?.name ?? '?', 'no-answer', `the capture process did not open it within ${OPEN_TIMEOUT_MS / 1000} s`));
      }, OPEN_TIMEOUT_MS);
      for (const f of this.ifaces) {
        this.spawn(f, {
          opened: () => {
            if (--waiting === 0) {
              clearTimeout(timeout);
              resolve();
            }
          },
          failed: (err) => {
            clearTimeout(timeout);
            this.abort();
            reject(err);
          },
        });
      }
    });
  }

  /** The link type each interface reported, in `-i` order (after `open()`). */
  get linkTypes(): number[] {
    return this.ifaces.map((f) => f.linkType);
  }

  /**
   * Feeds `target` until `stop()` (or --count, or an interface lost without retry). The Observable
   * emits a LiveProgress per heartbeat and completes once everything captured was delivered.
   */
  run(target: LiveTarget): Observable<LiveProgress> {
    return new Observable<LiveProgress>((subscriber) => {
      this.target = target;
      const heartbeat = interval(HEARTBEAT_MS).subscribe(() => {
        this.merge.checkStalls(this.clock.nowS(), STALL_S);
        this.checkCount();
        subscriber.next({ ts: this.clock.nowS(), interfaces: this.stats() });
      });
      // setImmediate: after the poll phase, so that what dumpcap wrote until now is read before the tick.
      const ticks = this.options.engine.kind === 'dumpcap' ? interval(TICK_MS).subscribe(() => setImmediate(() => this.dumpcapTicks())) : null;
      this.finish = () => {
        heartbeat.unsubscribe();
        ticks?.unsubscribe();
        subscriber.complete();
      };
      this.merge.attach(
        {
          frame: target.frame,
          tick: (t) => this.tick(t),
          hello: (i, t, linkType) => this.hello(this.ifaces[i]!, t, linkType),
          stats: (i, t, kernel, seen, seenAfter, oversize) => this.sample(this.ifaces[i]!, t, kernel, seen, seenAfter, oversize),
          pcapStats: (i, _t, delivered, dropped) => this.ifaces[i]!.loss.kernelCounts(delivered, dropped),
        },
        this.options.count,
      );
      this.checkCount();
      return () => {
        heartbeat.unsubscribe();
        ticks?.unsubscribe();
        this.abort();
      };
    });
  }

  /** Ends the run: each capture process delivers what it has, then the Observable completes. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const f of this.ifaces) {
      f.retryTimer?.unsubscribe();
      f.retryTimer = null;
      if (f.child !== null) this.stopChild(f.child);
      else f.state = 'ended';
    }
    this.checkDone();
  }

  /** Figures per interface, now. */
  stats(): InterfaceStats[] {
    return this.ifaces.map((f) => {
      const method = f.lossMethod;
      const exact = f.loss.exact;
      const measured = exact || (method === 'kernel-counters' && f.loss.measured);
      return {
        name: f.name,
        linkType: f.linkType,
        frames: this.merge.framesOf(f.index),
        counted: measured ? f.loss.counted : null,
        lost: measured ? f.loss.lost : null,
        oversize: f.loss.oversize,
        lossMethod: exact ? 'pcap-stats' : measured ? method : method === 'kernel-counters' ? 'not-measured-no-counters' : method,
        restarts: f.restarts,
      };
    });
  }

  private spawn(f: Interface, startup: Startup | null): void {
    const engine = this.options.engine;
    if (engine.kind === 'dumpcap') this.spawnDumpcap(f, startup, engine.path);
    else this.spawnCapChild(f, startup);
  }

  private spawnCapChild(f: Interface, startup: Startup | null): void {
    const o = this.options;
    const config: CaptureProcessConfig = {
      device: f.name,
      filter: o.filter,
      bufferBytes: o.bufferBytes,
      anchor: this.clock.anchor,
      tickMs: TICK_MS,
      statsMs: STATS_MS,
      countKernel: f.lossMethod === 'kernel-counters',
      runAs: o.runAs,
    };
    const child = spawn(process.execPath, [CHILD_SCRIPT, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    raisePriority(child);
    f.child = child;
    f.state = 'starting';
    f.error = null;
    f.sawGone = false;
    this.merge.open(f.index);
    child.stdout.on('data', (chunk: Buffer) => {
      this.merge.push(f.index, chunk);
      // At startup run() has not attached the merge yet: the HELLO waits at the head of the stream.
      const hello = f.state === 'starting' ? this.merge.helloOf(f.index) : null;
      if (hello !== null) {
        f.linkType = hello.linkType;
        f.state = 'capturing';
        startup?.opened();
      }
      this.checkCount();
    });
    readLines(child.stderr, (line) => this.stderrLine(f, line));
    child.stdin.on('error', () => undefined); // EPIPE when it has already exited
    child.on('close', (code, signal) => this.closed(f, startup, code, signal));
  }

  /**
   * dumpcap on one interface: its pcapng is parsed here and turned into the same records a capture
   * process of netgap's own writes (live/dumpcap.ts), so that the merge, ticks and loss work alike.
   * With --user it starts as that user, holding only the two capabilities a capture needs (which
   * dumpcap gives up itself once the interface is open).
   */
  private spawnDumpcap(f: Interface, startup: Startup | null, path: string): void {
    const o = this.options;
    const args = dumpcapArgs({ device: f.name, filter: o.filter, bufferBytes: o.bufferBytes });
    const runAs = o.runAs;
    let pipe: DumpcapPipe | null = null;
    if (process.platform !== 'win32') {
      try {
        pipe = new DumpcapPipe(
          (chunk) => onData(chunk),
          () => undefined, // the end is handled at 'close', after a last drain
        );
      } catch {
        pipe = null; // no mkfifo: dumpcap's stdout is read as a stream
      }
    }
    const stdio: ['pipe', 'pipe' | number, 'pipe'] = ['pipe', pipe?.writeFd ?? 'pipe', 'pipe'];
    // A process group of its own: the terminal's ^C reaches netgap alone, which then stops dumpcap
    // (dumpcap would otherwise stop by itself, and look like a capture that failed).
    const options = { stdio, detached: process.platform !== 'win32' };
    const child: CaptureChild =
      runAs === null
        ? (spawn(path, args, options) as CaptureChild)
        : (spawn('setpriv', [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', `--inh-caps=${CAPTURE_CAPS}`, `--ambient-caps=${CAPTURE_CAPS}`, '--', path, ...args], options) as CaptureChild);
    pipe?.closeWriteEnd();
    f.pipe = pipe;
    raisePriority(child);
    f.child = child;
    f.state = 'starting';
    f.error = null;
    f.sawGone = false;
    f.stderrTail = [];
    this.merge.open(f.index);
    let kernelBase = -1;
    const stream = new DumpcapStream(
      {
        name: f.name,
        mtu: interfaceMtu(f.name),
        kernelPackets:
          f.lossMethod === 'kernel-counters'
            ? () => {
                const n = kernelBase < 0 ? -1 : interfacePackets(f.name);
                return n < 0 ? -1 : n - kernelBase;
              }
            : null,
        statsS: STATS_MS / 1000,
        latencyS: DUMPCAP_LATENCY_S,
        nowS: () => this.clock.nowS(),
      },
      (records) => this.merge.push(f.index, records),
    );
    f.stream = stream;
    let broken = false;
    const onData = (chunk: Buffer): void => {
      if (broken) return;
      try {
        stream.push(chunk);
      } catch (err) {
        // A broken stream from dumpcap: what came before it was delivered; this capture ends.
        broken = true;
        f.error = { reason: 'open-failed', message: err instanceof Error ? err.message : String(err) };
        child.kill('SIGKILL');
        return;
      }
      if (f.state === 'starting' && stream.linkType >= 0) {
        // Read once the ring exists (the interface description follows the open): see live-child.ts.
        if (f.lossMethod === 'kernel-counters') kernelBase = interfacePackets(f.name);
        f.linkType = stream.linkType;
        f.state = 'capturing';
        startup?.opened();
      }
      this.checkCount();
    };
    child.stdout?.on('data', onData);
    readLines(child.stderr, (line) => {
      if (isDumpcapChatter(line)) return;
      f.stderrTail.push(line);
      if (f.stderrTail.length > STDERR_TAIL_LINES) f.stderrTail.shift();
    });
    child.stdin.on('error', () => undefined);
    // Debian's dumpcap, set up for the `wireshark` group, is not even executable by others (EACCES).
    child.on('error', (err: NodeJS.ErrnoException) => {
      f.error = { reason: err.code === 'EACCES' || err.code === 'EPERM' ? 'permission' : 'open-failed', message: `${path}: ${err.message}` };
    });
    child.on('close', (code, signal) => {
      // What it wrote last is still in the FIFO: read it (to its end) before the stream closes.
      pipe?.drain();
      pipe?.close();
      f.pipe = null;
      stream.end();
      const e = classifyDumpcapError(f.stderrTail);
      if (e !== null) f.error ??= e;
      if (dumpcapSawGone(f.stderrTail)) f.sawGone = true;
      // A capture that ran and was stopped: what dumpcap printed besides its counts is passed on.
      if (this.stopping && f.state === 'capturing') for (const line of f.stderrTail) this.onWarning(f.name, line);
      this.closed(f, startup, code, signal);
    });
  }

  /**
   * Ticks for the dumpcap streams, which carry none of their own. It first sees whether each
   * dumpcap waits for packets (then it has written all it had), then reads all it wrote before that
   * moment, and only then vouches for the time it saw: at once from a FIFO (DumpcapPipe); from a
   * stream (Windows), after one more poll phase (this runs in the check phase).
   */
  private dumpcapTicks(): void {
    const now = this.clock.nowS();
    const later: { stream: DumpcapStream; waiting: boolean }[] = [];
    for (const f of this.ifaces) {
      const pid = f.child?.pid;
      if (pid === undefined || f.stream === null) continue;
      const waiting = waitingForPackets(pid);
      if (f.pipe === null) {
        later.push({ stream: f.stream, waiting });
      } else {
        f.pipe.drain();
        f.stream.tick(now, waiting);
      }
    }
    if (later.length > 0) setImmediate(() => later.forEach((s) => s.stream.tick(now, s.waiting)));
  }

  /** A capture process ended: stopped, failed to open, or lost while capturing. */
  private closed(f: Interface, startup: Startup | null, code: number | null, signal: NodeJS.Signals | null): void {
    {
      f.child = null;
      this.merge.close(f.index);
      const wasCapturing = f.state === 'capturing';
      if (this.stopping) {
        f.state = 'ended';
      } else if (!wasCapturing && startup !== null) {
        f.state = 'ended';
        const e = f.error;
        startup.failed(new CaptureOpenError(f.name, e?.reason ?? 'open-failed', e?.message ?? exitText(code, signal)));
      } else if (wasCapturing) {
        this.lost(f, code, signal);
      } else {
        this.retryLater(f); // a reopening attempt failed: the interface is not back yet
      }
      this.checkDone();
    }
  }

  private stderrLine(f: Interface, line: string): void {
    if (line.startsWith(CAPTURE_ERROR_PREFIX)) {
      try {
        f.error = JSON.parse(line.slice(CAPTURE_ERROR_PREFIX.length)) as CaptureErrorLine;
      } catch {
        this.onWarning(f.name, line);
      }
      return;
    }
    if (LOOKUPNET_WARNING.test(line)) return;
    if (CAP_POLL_ASSERTION.test(line)) {
      f.sawGone = true;
      return;
    }
    this.onWarning(f.name, line);
  }

  /** A capture that was running ended without being asked to. */
  private lost(f: Interface, code: number | null, signal: NodeJS.Signals | null): void {
    const now = this.clock.nowS();
    const gone = f.sawGone || (this.counters && interfaceIndex(f.name) < 0);
    const retry = this.options.retry;
    f.state = 'down';
    f.downSinceS = now;
    this.flushLoss(f, now);
    this.onHealth({
      kind: 'stopped',
      ts: now,
      iface: f.name,
      reason: gone ? 'interface-gone' : 'capture-failed',
      detail: gone ? 'the interface went away' : (f.error?.message ?? exitText(code, signal)),
      retry,
    });
    if (retry) {
      this.retryLater(f);
    } else {
      this.failed = true;
      this.stop();
    }
  }

  private retryLater(f: Interface): void {
    f.state = 'down';
    f.retryTimer = timer(RETRY_S * 1000).subscribe(() => {
      f.retryTimer = null;
      if (!this.stopping) this.spawn(f, null);
    });
  }

  private hello(f: Interface, t: number, linkType: number): void {
    // A HELLO merged late (after its process already died) must not mark the interface as capturing.
    if (f.state === 'starting') f.state = 'capturing';
    if (f.linkType < 0) f.linkType = linkType;
    f.openedS = t;
    f.idleAlerted = false;
    f.loss.restart();
    f.countedAtLossAlert = f.loss.counted;
    f.oversizeAtLossAlert = f.loss.oversize;
    f.lossAlerted = f.loss.lost;
    f.lossWindowStartS = t;
    if (f.hellos++ > 0) {
      f.restarts++;
      this.onHealth({ kind: 'resumed', ts: t, iface: f.name, downS: t - f.downSinceS });
    }
  }

  private sample(f: Interface, t: number, kernel: number, seen: number, seenAfter: number, oversize: number): void {
    f.loss.sample(kernel, seen, seenAfter, oversize);
    if (t - f.lastLossAlertS >= LOSS_ALERT_EVERY_S) this.flushLoss(f, t);
  }

  /** Raises capture-loss for loss confirmed since the last one, if any. */
  private flushLoss(f: Interface, t: number): void {
    const loss = f.loss;
    if ((f.lossMethod !== 'kernel-counters' && !loss.exact) || !loss.measured || loss.lost <= f.lossAlerted) return;
    this.onHealth({
      kind: 'loss',
      ts: t,
      iface: f.name,
      lost: loss.lost - f.lossAlerted,
      counted: loss.counted - f.countedAtLossAlert,
      windowS: t - f.lossWindowStartS,
      oversize: loss.oversize - f.oversizeAtLossAlert,
    });
    f.lossAlerted = loss.lost;
    f.countedAtLossAlert = loss.counted;
    f.oversizeAtLossAlert = loss.oversize;
    f.lossWindowStartS = t;
    f.lastLossAlertS = t;
  }

  /**
   * Every stream has passed `t`. A capture-idle deadline on the way is raised at its own time:
   * the engine is advanced to it first, so that alerts stay in packet-time order.
   */
  private tick(t: number): void {
    const target = this.target!;
    for (const f of this.ifaces) {
      // openedS is NaN until the interface's HELLO has been merged: its silence starts there.
      if (f.state !== 'capturing' || Number.isNaN(f.openedS)) continue;
      const lastFrame = this.merge.lastFrameOf(f.index);
      const last = lastFrame > f.openedS ? lastFrame : f.openedS; // NaN (no frame yet) compares false
      if (f.idleAlerted) {
        if (last === f.idleFromS) continue;
        f.idleAlerted = false; // a frame came: a new silence may be raised
      }
      const due = last + this.options.idleS;
      if (due > t) continue;
      target.tick(due);
      f.idleAlerted = true;
      f.idleFromS = last;
      this.onHealth({ kind: 'idle', ts: due, iface: f.name, idleS: this.options.idleS });
    }
    target.tick(t);
  }

  /** --count reached: stop the capture processes; nothing more is handed on. */
  private checkCount(): void {
    if (this.merge.halted && !this.stopping) this.stop();
  }

  private stopChild(child: CaptureChild): void {
    // Closing stdin asks it to stop; on Windows kill() would terminate it before it sent its last records.
    child.stdin?.end();
    // dumpcap stops on SIGTERM (writing its statistics); on Windows it has no other way here (see README).
    if (process.platform !== 'win32' || this.options.engine.kind === 'dumpcap') child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('close', () => clearTimeout(kill));
  }

  private checkDone(): void {
    if (!this.stopping || this.finish === null) return;
    if (this.ifaces.some((f) => f.child !== null)) return;
    for (const f of this.ifaces) this.flushLoss(f, this.clock.nowS());
    const finish = this.finish;
    this.finish = null;
    finish();
  }

  /** Kills every capture process at once, delivering nothing more (startup failure, unsubscribe). */
  abort(): void {
    this.stopping = true;
    this.merge.halt();
    for (const f of this.ifaces) {
      f.retryTimer?.unsubscribe();
      f.retryTimer = null;
      f.child?.kill('SIGKILL');
    }
  }
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `the capture process was killed by ${signal}` : `the capture process exited with code ${code ?? '?'}`;
}

/** Calls `onLine` for each line of a text stream (rare: warnings and errors). */
function readLines(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    rest += text;
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl).replace(/\r$/, '');
      rest = rest.slice(nl + 1);
      if (line !== '') onLine(line);
    }
  });
  stream.on('end', () => {
    if (rest !== '') onLine(rest);
  });
}
