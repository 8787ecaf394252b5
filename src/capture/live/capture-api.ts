// What `netgap live`'s capture supervisor takes and gives: its options, its target, its figures and its start-up error.

import type { FrameSink } from '../../frame';
import type { CaptureFact, LossMethod } from './facts';
import type { CaptureErrorReason } from './stream';
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
