// The capture-health detector: capture facts in, capture-* alerts out, in packet time, with no capture running.

import { describe, expect, it } from 'vitest';
import type { CaptureFact } from '../../src/capture/live/facts';
import type { Alert } from '../../src/detect/alerts';
import { CAPTURE_HEALTH_KINDS, CaptureHealthDetector, DEFAULT_CAPTURE_HEALTH_OPTIONS } from '../../src/detect/capture-health';

const T0 = 1_700_000_000;
/** A fact without its time and interface, which `at` adds (eth0, index 0). */
type FactBody = CaptureFact extends infer F ? (F extends CaptureFact ? Omit<F, 'ts' | 'index' | 'iface'> : never) : never;
const at = (ts: number, fact: FactBody): CaptureFact => ({ ts: T0 + ts, index: 0, iface: 'eth0', ...fact }) as CaptureFact;

function detector(options = DEFAULT_CAPTURE_HEALTH_OPTIONS) {
  const alerts: Alert[] = [];
  const advanced: number[] = [];
  const d = new CaptureHealthDetector(options, (a) => alerts.push(a));
  return { d, alerts, advanced, tick: (t: number) => d.tick(T0 + t, (due) => advanced.push(due - T0)) };
}

describe('CaptureHealthDetector', () => {
  it('raises only the kinds it declares', () => {
    expect([...CAPTURE_HEALTH_KINDS]).toEqual(['capture-loss', 'capture-idle', 'capture-stopped', 'capture-resumed']);
  });

  it('raises capture-loss for confirmed loss at most once per window, the next one covering what came in between', () => {
    const { d, alerts } = detector();
    d.onFact(at(0, { kind: 'opened' }));
    d.onFact(at(1, { kind: 'counters', measured: true, lost: 5, counted: 100, oversize: 0 }));
    d.onFact(at(2, { kind: 'counters', measured: true, lost: 8, counted: 200, oversize: 1 }));
    d.onFact(at(11, { kind: 'counters', measured: true, lost: 9, counted: 300, oversize: 1 }));
    d.onFact(at(12, { kind: 'counters', measured: true, lost: 9, counted: 400, oversize: 1 }));
    expect(alerts).toEqual([
      { ts: T0 + 1, severity: 'warning', kind: 'capture-loss', interface: 'eth0', packets_lost: 5, packets_counted: 100, window_s: 1, oversize: 0 },
      { ts: T0 + 11, severity: 'warning', kind: 'capture-loss', interface: 'eth0', packets_lost: 4, packets_counted: 200, window_s: 10, oversize: 1 },
    ]);
  });

  it('says nothing of loss that is not measured', () => {
    const { d, alerts } = detector();
    d.onFact(at(0, { kind: 'opened' }));
    d.onFact(at(1, { kind: 'counters', measured: false, lost: 5, counted: 100, oversize: 0 }));
    d.onFact(at(30, { kind: 'closed' }));
    expect(alerts).toEqual([]);
  });

  it('raises the loss held back by the throttle when the capture stops or closes', () => {
    const { d, alerts } = detector();
    d.onFact(at(0, { kind: 'opened' }));
    d.onFact(at(1, { kind: 'counters', measured: true, lost: 1, counted: 10, oversize: 0 }));
    d.onFact(at(2, { kind: 'counters', measured: true, lost: 3, counted: 20, oversize: 0 }));
    d.onFact(at(3, { kind: 'closed' }));
    expect(alerts.map((a) => [a.kind, a.ts - T0])).toEqual([
      ['capture-loss', 1],
      ['capture-loss', 3],
    ]);
  });

  it('raises capture-idle once per silence, at its deadline, the clock advanced to it first', () => {
    const { d, alerts, advanced, tick } = detector({ ...DEFAULT_CAPTURE_HEALTH_OPTIONS, captureIdleS: 60 });
    d.onFact(at(0, { kind: 'opened' }));
    d.onFact(at(50, { kind: 'frames', capturing: true, lastFrameS: NaN }));
    tick(50);
    d.onFact(at(70, { kind: 'frames', capturing: true, lastFrameS: NaN }));
    tick(70);
    d.onFact(at(200, { kind: 'frames', capturing: true, lastFrameS: NaN }));
    tick(200);
    d.onFact(at(210, { kind: 'frames', capturing: true, lastFrameS: T0 + 205 }));
    tick(210);
    d.onFact(at(270, { kind: 'frames', capturing: true, lastFrameS: T0 + 205 }));
    tick(270);
    expect(alerts).toEqual([
      { ts: T0 + 60, severity: 'warning', kind: 'capture-idle', interface: 'eth0', idle_s: 60 },
      { ts: T0 + 265, severity: 'warning', kind: 'capture-idle', interface: 'eth0', idle_s: 60 },
    ]);
    expect(advanced).toEqual([60, 265]);
  });

  it('raises no capture-idle for an interface that is not being captured', () => {
    const { d, alerts, tick } = detector();
    d.onFact(at(0, { kind: 'opened' }));
    d.onFact(at(100, { kind: 'frames', capturing: false, lastFrameS: NaN }));
    tick(100);
    expect(alerts).toEqual([]);
  });

  it('raises capture-stopped, then capture-resumed with the time it was down', () => {
    const { d, alerts } = detector();
    d.onFact(at(0, { kind: 'opened' }));
    d.onFact(at(10, { kind: 'stopped', reason: 'interface-gone', detail: 'the interface went away', retry: true }));
    d.onFact(at(16, { kind: 'opened' }));
    expect(alerts).toEqual([
      {
        ts: T0 + 10,
        severity: 'critical',
        kind: 'capture-stopped',
        interface: 'eth0',
        reason: 'interface-gone',
        detail: 'the interface went away',
        retry: true,
      },
      { ts: T0 + 16, severity: 'info', kind: 'capture-resumed', interface: 'eth0', down_s: 6 },
    ]);
  });
});
