// What a live capture reports about itself, in packet time: facts only; detect/capture-health.ts decides what is an alert (Zeek's capture-loss.zeek split).

/** Where an interface's loss figure comes from, or why there is none. */
export type LossMethod = 'pcap-stats' | 'kernel-counters' | 'not-measured-filter' | 'not-measured-no-counters';

/** Why a capture stopped: the interface went away, or its capture process ended for another reason. */
export type StopReason = 'interface-gone' | 'capture-failed';

interface FactBase {
  /** Live-clock time of the fact, epoch seconds. */
  readonly ts: number;
  /** The interface's position in `-i` order (Frame.ifIndex). */
  readonly index: number;
  /** The device, as given to `-i`. */
  readonly iface: string;
}

/** A capture process opened the interface (the first time, or again after it stopped). */
export interface CaptureOpened extends FactBase {
  readonly kind: 'opened';
}

/**
 * A kernel-counter sample of an interface whose loss is measured (capture/live/loss.ts): the
 * figures since the capture first opened it, confirmed loss only.
 */
export interface CaptureCounters extends FactBase {
  readonly kind: 'counters';
  /** False once the counters could not be read: the figures no longer say anything. */
  readonly measured: boolean;
  readonly lost: number;
  readonly counted: number;
  /** Frames longer than the MTU (merged by offloads): while > 0 the figures rest on an estimate. */
  readonly oversize: number;
}

/** The interface's frames as of `ts`, reported before each tick (never per frame). */
export interface CaptureFrames extends FactBase {
  readonly kind: 'frames';
  /** A capture process is capturing it now. */
  readonly capturing: boolean;
  /** Time of its latest frame, epoch seconds; NaN before the first. */
  readonly lastFrameS: number;
}

/** The capture of the interface ended without being asked to. */
export interface CaptureStopped extends FactBase {
  readonly kind: 'stopped';
  readonly reason: StopReason;
  /** What happened, in words (libpcap's message, an exit status). */
  readonly detail: string;
  /** The interface will be opened again. */
  readonly retry: boolean;
}

/** The run ended: the interface's figures are final. */
export interface CaptureClosed extends FactBase {
  readonly kind: 'closed';
}

export type CaptureFact = CaptureOpened | CaptureCounters | CaptureFrames | CaptureStopped | CaptureClosed;
