// The k-way merge of capture-process streams: time order across interfaces, ticks as watermarks, split chunks, restarts, stalls.

import { describe, expect, it } from 'vitest';
import { frameTimeS } from '../../../src/frame';
import type { MergeHandlers } from '../../../src/capture/live/merge';
import { LiveMerge } from '../../../src/capture/live/merge';
import { frame, hello, stats, tick } from '../live-records';

/** Attaches a merge to handlers that log what they get, as short strings. */
function logged(merge: LiveMerge, maxFrames = Infinity): string[] {
  const log: string[] = [];
  const handlers: MergeHandlers = {
    frame: (f) => log.push(`frame ${f.ifIndex} ${f.buf[f.off]} ${frameTimeS(f).toFixed(3)} len=${f.capLen} lt=${f.linkType}`),
    tick: (t) => log.push(`tick ${t.toFixed(3)}`),
    hello: (i, t, linkType) => log.push(`hello ${i} ${t.toFixed(3)} lt=${linkType}`),
    stats: (i, _t, kernel, seen, seenAfter) => log.push(`stats ${i} ${kernel}/${seen}/${seenAfter}`),
    pcapStats: (i, _t, delivered, dropped) => log.push(`pcap-stats ${i} ${delivered}/${dropped}`),
  };
  merge.attach(handlers, maxFrames);
  return log;
}

function opened(streams: number): LiveMerge {
  const merge = new LiveMerge(streams);
  for (let i = 0; i < streams; i++) merge.open(i);
  return merge;
}

describe('LiveMerge', () => {
  it('releases frames of two interfaces in stamp order, holding one back until the other has vouched for a later time', () => {
    const merge = opened(2);
    merge.push(0, hello(100.0));
    merge.push(1, hello(100.0, 113));
    const log = logged(merge);
    merge.push(0, Buffer.concat([frame(100.2, 1), frame(100.5, 2)]));
    // Stream 1 has only vouched for 100.0: nothing from stream 0 may pass yet.
    expect(log.filter((l) => l.startsWith('frame'))).toEqual([]);
    merge.push(1, Buffer.concat([frame(100.3, 9), tick(100.4)]));
    merge.push(1, tick(100.6));
    expect(log).toEqual([
      'hello 0 100.000 lt=1',
      'hello 1 100.000 lt=113',
      'frame 0 1 100.200 len=60 lt=1',
      'frame 1 9 100.300 len=60 lt=113',
      'tick 100.400',
      'frame 0 2 100.500 len=60 lt=1',
    ]);
  });

  it('hands on a TICK only once every open stream has passed it', () => {
    const merge = opened(2);
    merge.push(0, hello(10));
    merge.push(1, hello(10));
    const log = logged(merge);
    merge.push(0, Buffer.concat([tick(10.1), tick(10.2)]));
    merge.push(1, tick(10.15));
    expect(log.slice(2)).toEqual(['tick 10.100', 'tick 10.150']);
    merge.push(1, tick(10.3));
    expect(log.slice(2)).toEqual(['tick 10.100', 'tick 10.150', 'tick 10.200']);
  });

  it('delivers the same records whatever the chunk boundaries, a record split at any offset included', () => {
    const stream = Buffer.concat([hello(5), frame(5.1, 1, 70), stats(5.2, 3, 1, 1), tick(5.3), frame(5.4, 2, 1514), tick(5.5)]);
    const whole = opened(1);
    const expected = logged(whole);
    whole.push(0, stream);
    expect(expected).toHaveLength(6);
    for (let cut = 1; cut < stream.length; cut++) {
      const merge = opened(1);
      const log = logged(merge);
      merge.push(0, stream.subarray(0, cut));
      merge.push(0, stream.subarray(cut));
      expect(log, `cut at ${cut}`).toEqual(expected);
    }
  });

  it("merges what a dead process wrote completely, and drops its cut-off record before a new process's records", () => {
    const merge = opened(1);
    const log = logged(merge);
    const cut = frame(1.3, 7);
    merge.push(0, Buffer.concat([hello(1), frame(1.1, 1), cut.subarray(0, 30)]));
    merge.close(0);
    merge.open(0);
    merge.push(0, Buffer.concat([hello(4), frame(4.1, 2)]));
    expect(log).toEqual(['hello 0 1.000 lt=1', 'frame 0 1 1.100 len=60 lt=1', 'hello 0 4.000 lt=1', 'frame 0 2 4.100 len=60 lt=1']);
  });

  it('does not wait for a restarted process until its first record, nor for a closed one', () => {
    const merge = opened(2);
    merge.push(0, hello(1));
    merge.push(1, hello(1));
    const log = logged(merge);
    merge.close(1);
    merge.open(1); // restarting: it may never come back
    merge.push(0, Buffer.concat([frame(2, 1), tick(3)]));
    expect(log.slice(2)).toEqual(['frame 0 1 2.000 len=60 lt=1', 'tick 3.000']);
  });

  it('stops waiting for a stream that vouched for nothing lately (a stalled process)', () => {
    const merge = opened(2);
    merge.push(0, hello(1));
    merge.push(1, hello(1));
    const log = logged(merge);
    merge.push(0, Buffer.concat([frame(2, 1), frame(3, 2)]));
    expect(log).toHaveLength(2);
    merge.checkStalls(2.5, 2); // stream 1 vouched for 1.0, 1.5 s ago: still waited for
    expect(log).toHaveLength(2);
    merge.checkStalls(3.5, 2);
    expect(log.slice(2)).toEqual(['frame 0 1 2.000 len=60 lt=1', 'frame 0 2 3.000 len=60 lt=1']);
  });

  it('halts after --count frames: no further frame and no further tick', () => {
    const merge = opened(1);
    merge.push(0, hello(1));
    const log = logged(merge, 2);
    merge.push(0, Buffer.concat([frame(1.1, 1), tick(1.2), frame(1.3, 2), tick(1.4), frame(1.5, 3)]));
    expect(log).toEqual(['hello 0 1.000 lt=1', 'frame 0 1 1.100 len=60 lt=1', 'tick 1.200', 'frame 0 2 1.300 len=60 lt=1']);
    expect(merge.halted).toBe(true);
  });

  it('shows the HELLO waiting at the head of a stream before anything is released', () => {
    const merge = opened(1);
    expect(merge.helloOf(0)).toBeNull();
    merge.push(0, hello(1, 276, 9000).subarray(0, 20));
    expect(merge.helloOf(0)).toBeNull();
    merge.push(0, hello(1, 276, 9000).subarray(20));
    expect(merge.helloOf(0)).toEqual({ linkType: 276, mtu: 9000 });
  });

  it('counts the frames released per stream and remembers the stamp of the last', () => {
    const merge = opened(1);
    merge.push(0, hello(1));
    logged(merge);
    merge.push(0, Buffer.concat([frame(1.5, 1), frame(2.5, 2)]));
    expect(merge.framesOf(0)).toBe(2);
    expect(merge.lastFrameOf(0)).toBeCloseTo(2.5, 6);
  });

  it('refuses a stream whose record claims more than a capture process can write', () => {
    const merge = opened(1);
    const bad = frame(1, 1);
    bad.writeUInt32LE(70000, 8);
    expect(() => merge.push(0, bad)).toThrow(/capture stream broken/);
  });
});
