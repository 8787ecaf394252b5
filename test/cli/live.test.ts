// `netgap live`'s lifecycle without capturing: what stops a run, and that its signal handlers go away with it.

import { EventEmitter } from 'node:events';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { stopRequests } from '../../src/cli/live';

describe('stopRequests', () => {
  it('asks to stop on each SIGINT and SIGTERM while subscribed, and leaves no handler behind', () => {
    const signals = new EventEmitter();
    const seen: unknown[] = [];
    const stopping = stopRequests(undefined, signals).subscribe((ev) => seen.push(ev));
    expect(signals.listenerCount('SIGINT')).toBe(1);
    expect(signals.listenerCount('SIGTERM')).toBe(1);
    signals.emit('SIGINT', 'SIGINT');
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    expect(seen).toStrictEqual(['SIGINT', 'SIGTERM', 'SIGINT']);
    stopping.unsubscribe();
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('asks to stop once --duration has passed', async () => {
    const signals = new EventEmitter();
    const started = performance.now();
    await firstValueFrom(stopRequests(0.05, signals));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});
