// One `-i` device under the live capture supervisor: its state and figures, and what the per-engine starters use of the supervisor.

import type { Subscription } from 'rxjs';
import type { ChildProcess } from 'node:child_process';
import type { CaptureOpenError, InterfaceStats, LiveCaptureOptions } from './capture-api';
import type { LiveClock } from './clock';
import type { DumpcapStream } from './dumpcap';
import type { DumpcapPipe } from './dumpcap-pipe';
import type { LossMethod } from './facts';
import { LossMeter } from './loss';
import type { LiveMerge } from './merge';
import type { CaptureErrorLine } from './stream';

/**
 * Time between TICK records (cap's capture process stamps them; with dumpcap netgap makes them):
 * through silence a timer fires at most this late, plus dumpcap's count lag (watermark.ts), so
 * within 100 ms. With dumpcap each costs four small reads per interface (/proc state and wait
 * channel, rx and tx counters).
 */
export const TICK_MS = 50;
/** Time between counter samples. */
export const STATS_MS = 1000;

export interface Startup {
  opened: () => void;
  failed: (err: CaptureOpenError) => void;
}

/** One `-i` device: its capture process (if any), its state and its figures. */
export class Interface {
  child: ChildProcess | null = null;
  /** With dumpcap: its pcapng stream turned into records, its stdout read in batches (null: as a stream, on Windows), its last lines. */
  stream: DumpcapStream | null = null;
  pipe: DumpcapPipe | null = null;
  /** With dumpcap: reads the interface's rx + tx counters at each tick (counters.ts packetCounters). */
  packets: () => number = () => -1;
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

/** The supervisor (LiveCapture) as the per-engine starters see it. */
export interface CaptureHost {
  readonly options: LiveCaptureOptions;
  readonly clock: LiveClock;
  readonly merge: LiveMerge;
  /** stop() or abort() was called. */
  readonly stopping: boolean;
  /** Called with each line a capture process printed that netgap does not recognise. */
  readonly onWarning: (iface: string, line: string) => void;
  /** --count reached: stop the capture processes. */
  checkCount(): void;
  /** A capture process ended. */
  closed(f: Interface, startup: Startup | null, code: number | null, signal: NodeJS.Signals | null): void;
}

/** One interface's figures now, given the frames the merge handed on for it. */
export function interfaceStats(f: Interface, frames: number): InterfaceStats {
  const method = f.lossMethod;
  const exact = f.loss.exact;
  const measured = exact || (method === 'kernel-counters' && f.loss.measured);
  return {
    name: f.name,
    linkType: f.linkType,
    frames,
    counted: measured ? f.loss.counted : null,
    lost: measured ? f.loss.lost : null,
    oversize: f.loss.oversize,
    lossMethod: exact ? 'pcap-stats' : measured ? method : method === 'kernel-counters' ? 'not-measured-no-counters' : method,
    restarts: f.restarts,
  };
}
