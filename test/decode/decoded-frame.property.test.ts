import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LINKTYPE, newFrame } from '../../src/frame';
import { DecodedFrame } from '../../src/decode/decoded-frame';
import { decodeFrame } from '../../src/decode/link';
import { fuzzParams } from '../fuzz/settings';
import { ethernetArb, hostile } from './arbitraries';

describe('DecodedFrame.reset under fast-check', () => {
  test('after any frame, reset leaves the object equal to a new one: nothing of one frame leaks into the next', () => {
    fc.assert(
      fc.property(hostile(ethernetArb), (bytes) => {
        const frame = newFrame();
        frame.buf = bytes;
        frame.capLen = frame.origLen = bytes.length;
        frame.linkType = LINKTYPE.ETHERNET;
        const used = new DecodedFrame();
        decodeFrame(frame, used);
        const next = Buffer.alloc(4);
        used.reset(next);
        const fresh = new DecodedFrame();
        fresh.reset(next);
        expect({ ...used, ts: 0 }).toEqual({ ...fresh, ts: 0 });
      }),
      fuzzParams(),
    );
  });
});
