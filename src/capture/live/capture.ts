// `netgap live`'s capture: one capture process per interface (dumpcap, or child.ts on cap), merged in time order into the engine's input, with facts about the capture itself.

import { Observable, interval, timer } from 'rxjs';
import type { Subscription } from 'rxjs';
import type { FrameSink } from '../../frame';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { CaptureFact, LossMethod } from './facts';
import { anchorClock, LiveClock } from './clock';
import { hasInterfaceCounters, interfaceIndex, interfaceMtu, interfacePackets } from './counters';
import {
  classifyDumpcapError,
  DUMPCAP_LATENCY_S,
  dumpcapArgs,
  DumpcapPipe,
  dumpcapSawGone,
  DumpcapStream,
  isDumpcapChatter,
  waitingForPackets,
} from './dumpcap';
import { LossMeter } from './loss';
import { LiveMerge } from './merge';
import { readLines } from './lines';
import { classifyStderrLine, exitText, raisePriority, spawnCaptureProcess, stopCaptureProcess } from './process';
import type { CaptureErrorLine, CaptureErrorReason, CaptureProcessConfig } from './stream';
import type { RunAs } from './user';

/** What the capture drives: the engine's input (pipeline.ts EngineInput has this shape). */
export interface LiveTarget {
  readonly frame: FrameSink;
  tick(t: number): void;
  /** Facts about the capture itself, in packet-time order with the frames. */
  capture(fact: CaptureFact): void;
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
  /** The capture process: dumpcap (at this path) writing pcapng, or netgap's own on `cap`. */
  readonly engine: CaptureEngine;
}

/** How frames are captured: Wireshark's dumpcap (its path), or netgap's own capture process on `cap`. */
export type CaptureEngine = { readonly kind: 'dumpcap'; readonly path: string } | { readonly kind: 'cap' };

export type { LossMethod, StopReason } from './facts';

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
/** How long a capture process may take to open its device. */
const OPEN_TIMEOUT_MS = 15_000;
/** dumpcap's last lines kept for the error message, beyond its normal chatter. */
const STDERR_TAIL_LINES = 20;
/** What a capture needs, and all dumpcap keeps under --user (setpriv's capability names). */
const CAPTURE_CAPS = '+net_raw,+net_admin';

interface Startup {
  opened: () => void;
  failed: (err: CaptureOpenError) => void;
}

/** One `-i` device: its capture process (if any), its state and its figures. */
class Interface {
  child: ChildProcess | null = null;
  /** With dumpcap: its pcapng stream turned into records, its stdout read in batches (null: as a stream, on Windows), its last lines. */
  stream: DumpcapStream | null = null;
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
  retryTimer: Subscription | null = null;
  readonly loss = new LossMeter();

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
  /** Facts from before run() attached the target (a capture lost at start-up). */
  private earlyFacts: CaptureFact[] = [];
  private stopping = false;
  private finish: (() => void) | null = null;
  /** An interface went away and `retry` is off: the run ends as failed (exit code 2). */
  failed = false;

  constructor(
    private readonly options: LiveCaptureOptions,
    /** Called with each line a capture process printed that netgap does not recognise. */
    private readonly onWarning: (iface: string, line: string) => void,
  ) {
    this.clock = new LiveClock(anchorClock());
    this.merge = new LiveMerge(options.interfaces.length);
    this.ifaces = options.interfaces.map((name, i) => {
      const method: LossMethod = options.userFilter
        ? 'not-measured-filter'
        : this.counters && interfaceIndex(name) >= 0
          ? 'kernel-counters'
          : 'not-measured-no-counters';
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
      for (const fact of this.earlyFacts) target.capture(fact);
      this.earlyFacts = [];
      const heartbeat = interval(HEARTBEAT_MS).subscribe(() => {
        this.merge.checkStalls(this.clock.nowS(), STALL_S);
        this.checkCount();
        subscriber.next({ ts: this.clock.nowS(), interfaces: this.stats() });
      });
      // In the check phase, after the poll phase has read what the processes wrote until now.
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
          pcapStats: (i, t, delivered, dropped) => this.kernelCounts(this.ifaces[i]!, t, delivered, dropped),
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
      if (f.child !== null) stopCaptureProcess(f.child, this.options.engine.kind === 'dumpcap');
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
    const child = spawnCaptureProcess(config);
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
   * process of netgap's own writes (dumpcap.ts), so that the merge, ticks and loss work alike.
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
        // The end is handled at 'close', after a last drain.
        pipe = new DumpcapPipe(
          (chunk) => onData(chunk),
          () => undefined,
        );
      } catch {
        pipe = null; // no mkfifo: dumpcap's stdout is read as a stream
      }
    }
    // A process group of its own: the terminal's ^C reaches netgap alone, which then stops dumpcap
    // (dumpcap would otherwise stop by itself, and look like a capture that failed).
    const options = { stdio: ['pipe', pipe?.writeFd ?? 'pipe', 'pipe'] as ['pipe', 'pipe' | number, 'pipe'], detached: process.platform !== 'win32' };
    const child =
      runAs === null
        ? spawn(path, args, options)
        : spawn(
            'setpriv',
            [
              `--reuid=${runAs.uid}`,
              `--regid=${runAs.gid}`,
              '--clear-groups',
              `--inh-caps=${CAPTURE_CAPS}`,
              `--ambient-caps=${CAPTURE_CAPS}`,
              '--',
              path,
              ...args,
            ],
            options,
          );
    pipe?.closeWriteEnd();
    raisePriority(child);
    f.child = child;
    f.pipe = pipe;
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
        // Read once the ring exists (the interface description follows the open): see child.ts.
        if (f.lossMethod === 'kernel-counters') kernelBase = interfacePackets(f.name);
        f.linkType = stream.linkType;
        f.state = 'capturing';
        startup?.opened();
      }
      this.checkCount();
    };
    child.stdout?.on('data', onData);
    readLines(child.stderr!, (line) => {
      if (isDumpcapChatter(line)) return;
      f.stderrTail.push(line);
      if (f.stderrTail.length > STDERR_TAIL_LINES) f.stderrTail.shift();
    });
    child.stdin?.on('error', () => undefined);
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
    const said = classifyStderrLine(line);
    if (said.kind === 'error') f.error = said.error;
    else if (said.kind === 'device-gone') f.sawGone = true;
    else if (said.kind === 'other') this.onWarning(f.name, line);
  }

  /** A capture that was running ended without being asked to. */
  private lost(f: Interface, code: number | null, signal: NodeJS.Signals | null): void {
    const now = this.clock.nowS();
    const gone = f.sawGone || (this.counters && interfaceIndex(f.name) < 0);
    const retry = this.options.retry;
    f.state = 'down';
    this.report({
      kind: 'stopped',
      ts: now,
      index: f.index,
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
    f.loss.restart();
    if (f.hellos++ > 0) f.restarts++;
    this.report({ kind: 'opened', ts: t, index: f.index, iface: f.name });
  }

  /** The capture's own kernel counts (dumpcap's statistics block): exact for this process, so reported whatever the method. */
  private kernelCounts(f: Interface, t: number, delivered: number, dropped: number): void {
    const loss = f.loss;
    loss.kernelCounts(delivered, dropped);
    if (!loss.exact) return;
    this.report({ kind: 'counters', ts: t, index: f.index, iface: f.name, measured: true, lost: loss.lost, counted: loss.counted, oversize: loss.oversize });
  }

  private sample(f: Interface, t: number, kernel: number, seen: number, seenAfter: number, oversize: number): void {
    const loss = f.loss;
    loss.sample(kernel, seen, seenAfter, oversize);
    if (f.lossMethod !== 'kernel-counters') return;
    this.report({
      kind: 'counters',
      ts: t,
      index: f.index,
      iface: f.name,
      measured: loss.measured,
      lost: loss.lost,
      counted: loss.counted,
      oversize: loss.oversize,
    });
  }

  /** Every stream has passed `t`: what each interface has captured by then, then the tick. */
  private tick(t: number): void {
    const target = this.target!;
    for (const f of this.ifaces) {
      target.capture({ kind: 'frames', ts: t, index: f.index, iface: f.name, capturing: f.state === 'capturing', lastFrameS: this.merge.lastFrameOf(f.index) });
    }
    target.tick(t);
  }

  private report(fact: CaptureFact): void {
    if (this.target !== null) this.target.capture(fact);
    else this.earlyFacts.push(fact);
  }

  /** --count reached: stop the capture processes; nothing more is handed on. */
  private checkCount(): void {
    if (this.merge.halted && !this.stopping) this.stop();
  }

  private checkDone(): void {
    if (!this.stopping || this.finish === null) return;
    if (this.ifaces.some((f) => f.child !== null)) return;
    for (const f of this.ifaces) this.report({ kind: 'closed', ts: this.clock.nowS(), index: f.index, iface: f.name });
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
