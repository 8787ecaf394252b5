// Capture health as a detector: loss, silence, stops and resumes of a live capture, decided from the capture's facts (Zeek's policy/misc/capture-loss.zeek).

import type { CaptureFact, LossMethod } from '../capture/live/facts';
import type { Alert, AlertSink } from './alerts';

export type { LossMethod } from '../capture/live/facts';

/** The alert kinds this detector raises (their records are in alerts.ts). */
export const CAPTURE_HEALTH_KINDS = ['capture-loss', 'capture-idle', 'capture-stopped', 'capture-resumed'] as const satisfies readonly Alert['kind'][];

export interface CaptureHealthOptions {
  /** Nothing captured on an interface for this long raises capture-idle, seconds (`--idle`). */
  captureIdleS: number;
  /** At most one capture-loss per interface in this many seconds; the next one covers the loss in between. */
  captureLossEveryS: number;
}

export const DEFAULT_CAPTURE_HEALTH_OPTIONS: Readonly<CaptureHealthOptions> = {
  captureIdleS: 60,
  // Zeek's capture-loss.zeek samples every 15 min for a log; an operator watching live wants to know within seconds.
  captureLossEveryS: 10,
};

/** The summary's `capture` object (`netgap live`; README: "Live capture statistics"). */
export interface CaptureSummary {
  /** What captured: `dumpcap` or `cap` (`--capture-engine`). */
  engine: 'dumpcap' | 'cap';
  /** The `--filter` given (netgap's ARP terms not included), null without one. */
  filter: string | null;
  /** libpcap's buffer per interface, bytes (`--buffer-size`). */
  buffer_bytes: number;
  /** One per `-i`, in the order given. */
  interfaces: CaptureInterfaceSummary[];
}

export interface CaptureInterfaceSummary {
  /** The device. */
  name: string;
  /** Its LINKTYPE_* value. */
  link_type: number;
  /** Frames captured on it and analysed. */
  frames: number;
  /** Packets the kernel counted on it while netgap captured; null when not measured. */
  packets_counted: number | null;
  /** Packets lost; null when not measured. */
  packets_lost: number | null;
  /** Frames longer than the MTU (offloads): when > 0, the two figures above rest on an estimate. */
  oversize: number;
  loss_method: LossMethod;
  /** Times the interface was opened again after it went away. */
  restarts: number;
}

/** One interface as the detector sees it. */
class InterfaceHealth {
  opens = 0;
  /** When its current capture opened: its silence counts from here until a frame comes. */
  openedS = NaN;
  downSinceS = NaN;
  /** capture-idle was raised for the silence that began at idleFromS. */
  idleAlerted = false;
  idleFromS = NaN;
  capturing = false;
  lastFrameS = NaN;
  /** The latest counter figures (cumulative since the first open). */
  measured = false;
  lost = 0;
  counted = 0;
  oversize = 0;
  /** The figures at the last capture-loss (or open): the next one reports what came since. */
  lostAtAlert = 0;
  countedAtAlert = 0;
  oversizeAtAlert = 0;
  windowStartS = NaN;
  lastAlertS = -Infinity;

  constructor(readonly name: string) {}
}

/**
 * Turns capture facts into capture-* alerts. Facts come in packet-time order with the frames;
 * `tick` runs before the engine's clock moves, so that a capture-idle deadline passed on the way
 * is raised at its own time, the clock advanced to it first.
 */
export class CaptureHealthDetector {
  private readonly ifaces: InterfaceHealth[] = [];

  constructor(
    private readonly options: Readonly<CaptureHealthOptions>,
    private readonly sink: AlertSink,
  ) {}

  onFact(fact: CaptureFact): void {
    const f = (this.ifaces[fact.index] ??= new InterfaceHealth(fact.iface));
    switch (fact.kind) {
      case 'opened':
        f.openedS = fact.ts;
        f.capturing = true;
        f.idleAlerted = false;
        f.lostAtAlert = f.lost;
        f.countedAtAlert = f.counted;
        f.oversizeAtAlert = f.oversize;
        f.windowStartS = fact.ts;
        if (f.opens++ > 0) this.sink({ ts: fact.ts, severity: 'info', kind: 'capture-resumed', interface: f.name, down_s: fact.ts - f.downSinceS });
        return;
      case 'counters':
        f.measured = fact.measured;
        f.lost = fact.lost;
        f.counted = fact.counted;
        f.oversize = fact.oversize;
        if (fact.ts - f.lastAlertS >= this.options.captureLossEveryS) this.flushLoss(f, fact.ts);
        return;
      case 'frames':
        f.capturing = fact.capturing;
        f.lastFrameS = fact.lastFrameS;
        return;
      case 'stopped':
        f.capturing = false;
        f.downSinceS = fact.ts;
        this.flushLoss(f, fact.ts);
        this.sink({
          ts: fact.ts,
          severity: 'critical',
          kind: 'capture-stopped',
          interface: f.name,
          reason: fact.reason,
          detail: fact.detail,
          retry: fact.retry,
        });
        return;
      case 'closed':
        this.flushLoss(f, fact.ts);
        return;
    }
  }

  /** Packet time moves to `t` with no frame: raises capture-idle for each silence that reached its deadline, `advance`-ing the clock to it first. */
  tick(t: number, advance: (due: number) => void): void {
    const idleS = this.options.captureIdleS;
    for (const f of this.ifaces) {
      // openedS is NaN until the interface's capture has opened: its silence starts there.
      if (f === undefined || !f.capturing || Number.isNaN(f.openedS)) continue;
      const last = f.lastFrameS > f.openedS ? f.lastFrameS : f.openedS; // NaN (no frame yet) compares false
      if (f.idleAlerted) {
        if (last === f.idleFromS) continue;
        f.idleAlerted = false; // a frame came: a new silence may be raised
      }
      const due = last + idleS;
      if (due > t) continue;
      advance(due);
      f.idleAlerted = true;
      f.idleFromS = last;
      this.sink({ ts: due, severity: 'warning', kind: 'capture-idle', interface: f.name, idle_s: idleS });
    }
  }

  /** Raises capture-loss for the loss confirmed since the last one, if any. */
  private flushLoss(f: InterfaceHealth, t: number): void {
    if (!f.measured || f.lost <= f.lostAtAlert) return;
    this.sink({
      ts: t,
      severity: 'warning',
      kind: 'capture-loss',
      interface: f.name,
      packets_lost: f.lost - f.lostAtAlert,
      packets_counted: f.counted - f.countedAtAlert,
      window_s: t - f.windowStartS,
      oversize: f.oversize - f.oversizeAtAlert,
    });
    f.lostAtAlert = f.lost;
    f.countedAtAlert = f.counted;
    f.oversizeAtAlert = f.oversize;
    f.windowStartS = t;
    f.lastAlertS = t;
  }
}
