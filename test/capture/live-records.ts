// Builds capture-process record streams (src/capture/stream.ts) by hand, for the merge and loss tests.

import { HELLO_LEN, RECORD, RECORD_HLEN, STATS_FIELDS, STATS_LEN } from '../../src/capture/live/stream';

type Stamp = number;

function header(type: number, t: Stamp, len: number): Buffer {
  const h = Buffer.alloc(RECORD_HLEN);
  const sec = Math.floor(t);
  h.writeUInt32LE(sec, 0);
  h.writeUInt32LE(Math.round((t - sec) * 1e9), 4);
  h.writeUInt32LE(len, 8);
  h.writeUInt16LE(type, 12);
  return h;
}

export function hello(t: Stamp, linkType = 1, mtu = 1500): Buffer {
  const body = Buffer.alloc(HELLO_LEN);
  body.writeUInt32LE(linkType, 0);
  body.writeUInt32LE(mtu, 4);
  return Buffer.concat([header(RECORD.HELLO, t, HELLO_LEN), body]);
}

/** A frame whose bytes are `len` copies of `fill`. */
export function frame(t: Stamp, fill: number, len = 60): Buffer {
  return Buffer.concat([header(RECORD.FRAME, t, len), Buffer.alloc(len, fill)]);
}

export function tick(t: Stamp): Buffer {
  return header(RECORD.TICK, t, 0);
}

export function stats(t: Stamp, kernel: number, seen: number, seenAfter: number, oversize = 0): Buffer {
  const body = Buffer.alloc(STATS_LEN);
  body.writeDoubleLE(kernel, 8 * STATS_FIELDS.KERNEL);
  body.writeDoubleLE(seen, 8 * STATS_FIELDS.SEEN);
  body.writeDoubleLE(seenAfter, 8 * STATS_FIELDS.SEEN_AFTER);
  body.writeDoubleLE(oversize, 8 * STATS_FIELDS.OVERSIZE);
  return Buffer.concat([header(RECORD.STATS, t, STATS_LEN), body]);
}
