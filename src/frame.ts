// The one frame type every source (pcap, pcapng, stdin, live) yields: a view into a reused buffer.

/**
 * One captured frame. Sources fill a single `Frame` object and hand it to a sink synchronously,
 * once per record: the object and its `buf` are reused for the next record, so a sink must copy
 * whatever it keeps (`buf.subarray` shares memory and is only valid during the call).
 *
 * Timestamps are split in two integers so that nanosecond precision survives: a float64 of epoch
 * seconds holds only ~0.2 µs. Use `frameTimeS()` where a float is good enough (detectors).
 */
export interface Frame {
  /** The buffer that holds the frame's bytes; reused, valid only during the sink call. */
  buf: Buffer;
  /** Offset of the first byte of the frame in `buf`. */
  off: number;
  /** Captured length: bytes present at `buf[off .. off + capLen)`. */
  capLen: number;
  /** Original length on the wire (>= capLen when the snaplen cut the frame). */
  origLen: number;
  /** LINKTYPE_* value (https://www.tcpdump.org/linktypes.html) of the frame's interface. */
  linkType: number;
  /** Index of the interface the frame came from: pcapng interface id, or the live `-i` index. */
  ifIndex: number;
  /** Timestamp, whole seconds since the Unix epoch (may be negative for broken clocks). */
  tsSec: number;
  /** Timestamp, nanoseconds within the second, 0 .. 999 999 999. */
  tsNsec: number;
  /**
   * pcapng: another copy of a packet already delivered in this section (same epb_packetid), as
   * pktmon logs one packet once per component it passes. Other sources leave it false.
   */
  copy: boolean;
  /** pcapng: the interface's if_name from its IDB ('' when none, and for other sources). */
  ifName: string;
  /** pcapng: the capture says this packet was dropped where this record logged it (epb_verdict, or link-layer errors in epb_flags). */
  dropped: boolean;
}

/** A sink receives each frame synchronously; it must not keep the object or its buffer. */
export type FrameSink = (frame: Frame) => void;

export function newFrame(): Frame {
  return { buf: Buffer.alloc(0), off: 0, capLen: 0, origLen: 0, linkType: 0, ifIndex: 0, tsSec: 0, tsNsec: 0, ifName: '', copy: false, dropped: false };
}

/** The frame's time as float epoch seconds (about 0.2 µs resolution today). */
export function frameTimeS(frame: Frame): number {
  return frame.tsSec + frame.tsNsec / 1e9;
}

/** LINKTYPE_* values netgap decodes. */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
  /**
   * Not a LINKTYPE_* value: the frame's interface was past MAX_INTERFACES_PER_INPUT, so the
   * reader kept nothing of its description; decoded as the reason `interface-over-cap`.
   */
  OVER_CAP: -1,
} as const;

/**
 * Interface descriptions a reader keeps per input, over all its pcapng sections: each costs
 * memory for the rest of the input, and a few KB of gzip hold a million of them.
 */
export const MAX_INTERFACES_PER_INPUT = 1024;
