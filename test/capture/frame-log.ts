// Test helpers for the capture readers: frames copied out of the reused Frame, and the shared corpus.

import { readFileSync } from 'node:fs';
import type { Frame } from '../../src/frame';
import { sharedCorpus } from '../repo';

/** Everything a reader hands over for one frame, copied (the Frame and its buffer are reused). */
export interface FrameRecord {
  tsSec: number;
  tsNsec: number;
  capLen: number;
  origLen: number;
  linkType: number;
  ifIndex: number;
  hex: string;
}

export function recordOf(frame: Frame): FrameRecord {
  return {
    tsSec: frame.tsSec,
    tsNsec: frame.tsNsec,
    capLen: frame.capLen,
    origLen: frame.origLen,
    linkType: frame.linkType,
    ifIndex: frame.ifIndex,
    hex: frame.buf.toString('hex', frame.off, frame.off + frame.capLen),
  };
}

/** A push parser, as pcap.ts and pcapng.ts make them. */
export interface PushParser {
  push(chunk: Buffer, start?: number, end?: number): void;
  end(): void;
}

/** What one run of a parser gave: the frames, then the error (if any) that ended it. */
export interface ParseResult {
  frames: FrameRecord[];
  error: unknown;
}

/**
 * Feeds `bytes` to a new parser cut at the given offsets (each chunk a fresh copy, so that no
 * frame can see bytes of a later chunk), then ends it.
 */
export function parseInChunks(make: (sink: (f: Frame) => void) => PushParser, bytes: Buffer, cuts: readonly number[] = []): ParseResult {
  const frames: FrameRecord[] = [];
  const parser = make((f) => frames.push(recordOf(f)));
  let error: unknown = null;
  try {
    let prev = 0;
    for (const cut of [...cuts, bytes.length]) {
      parser.push(Buffer.from(bytes.subarray(prev, cut)));
      prev = cut;
    }
    parser.end();
  } catch (err) {
    error = err;
  }
  return { frames, error };
}

/** Cut points that deliver `bytes` one byte at a time. */
export function everyByte(bytes: Buffer): number[] {
  return Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => i + 1);
}

export const CORPUS = sharedCorpus();

/** The oracle JSON of a corpus file (see the corpus MANIFEST.md). */
export interface Expected {
  file: string;
  bad: boolean;
  packets?: number;
  first_ts?: number | null;
  last_ts?: number | null;
  structure_problem?: string | null;
  format: {
    format: string;
    gzip: boolean;
    block_counts?: Record<string, number>;
    records_walked?: number;
  };
  tshark: { frames_read: number | null; error: string | null; frames_per_interface: Record<string, number> };
  tcpdump: { packets: number | null; error: string | null };
}

export function expectedOf(file: string): Expected {
  return JSON.parse(readFileSync(`${CORPUS}/expected/${file}.json`, 'utf8')) as Expected;
}
