// `netgap live`'s capture: one capture process per interface (dumpcap, or child.ts on cap), merged in time order into the engine's input, with facts about the capture itself.

import { Observable, interval, timer } from 'rxjs';
import type { CaptureFact, LossMethod } from './facts';
import type { InterfaceStats, LiveCaptureOptions, LiveProgress, LiveTarget } from './capture-api';
import { CaptureOpenError } from './capture-api';
import { anchorClock, LiveClock } from './clock';
import { hasInterfaceCounters, interfaceIndex } from './counters';
import type { CaptureHost, Startup } from './interface-state';
import { Interface, interfaceStats, TICK_MS } from './interface-state';
import { LiveMerge } from './merge';
import { exitText, stopCaptureProcess } from './process';
import { startCapProcess } from './start-cap';
import { dumpcapTicks, startDumpcap } from './start-dumpcap';

/** The parent's heartbeat: stalled streams, progress. */
const HEARTBEAT_MS = 250;
/** A stream that vouched for nothing this long no longer holds the merge back. */
const STALL_S = 2;
/** Time between attempts to open an interface that went away. */
const RETRY_S = 3;
/** How long a capture process may take to open its device. */
const OPEN_TIMEOUT_MS = 15_000;

/**
 * Runs the capture processes and merges their records. `open()` starts them and resolves once
 * every interface is open (or rejects with the first CaptureOpenError); `run(target)` then feeds
 * frames and ticks to the target and returns the batch-level Observable the pipeline subscribes
 * to; `stop()` ends the run: every frame captured until then is delivered, then it completes.
 */
export class LiveCapture implements CaptureHost {
  readonly clock: LiveClock;
  readonly merge: LiveMerge;
  private readonly ifaces: Interface[];
  private readonly counters = hasInterfaceCounters();
  private target: LiveTarget | null = null;
  /** Facts from before run() attached the target (a capture lost at start-up). */
  private earlyFacts: CaptureFact[] = [];
  /** stop() or abort() was called (the engine starters read it). */
  stopping = false;
  private finish: (() => void) | null = null;
  /** An interface went away and `retry` is off: the run ends as failed (exit code 2). */
  failed = false;

  constructor(
    readonly options: LiveCaptureOptions,
    /** Called with each line a capture process printed that netgap does not recognise. */
    readonly onWarning: (iface: string, line: string) => void,
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
      const ticks =
        this.options.engine.kind === 'dumpcap' ? interval(TICK_MS).subscribe(() => setImmediate(() => dumpcapTicks(this.ifaces, this.clock))) : null;
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
    return this.ifaces.map((f) => interfaceStats(f, this.merge.framesOf(f.index)));
  }

  private spawn(f: Interface, startup: Startup | null): void {
    const engine = this.options.engine;
    if (engine.kind === 'dumpcap') startDumpcap(this, f, startup, engine.path);
    else startCapProcess(this, f, startup);
  }

  /** A capture process ended: stopped, failed to open, or lost while capturing. */
  closed(f: Interface, startup: Startup | null, code: number | null, signal: NodeJS.Signals | null): void {
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
  checkCount(): void {
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
