// Format sniffing of a capture input: its first bytes say gzip (RFC 1952), pcap or pcapng, never its name.

import type { FrameSink } from '../../frame';
import { InputError } from '../input-error';
import { createPcapParser, isPcapMagic } from './pcap';
import { createPcapngParser } from './pcapng';
import { isPcapngMagic } from './pcapng-format';

export type CaptureFormat = 'pcap' | 'pcapng';

/** Bytes that tell pcap from pcapng. */
export const MAGIC_LEN = 4;

/** What an input needs of a format parser; PcapParser and PcapngParser both fit. */
export interface CaptureParser {
  readonly frames: number;
  readonly bytes: number;
  readonly linkTypes: readonly number[];
  push(chunk: Buffer, start: number, end: number): void;
  end(): void;
}

/** The first few bytes of a stream, gathered across chunks (a pipe may deliver them one by one). */
export class Head {
  readonly bytes = Buffer.alloc(MAGIC_LEN);
  len = 0;

  /** Copies up to `want` bytes in all from chunk[start .. end); returns the offset after them. */
  fill(chunk: Buffer, start: number, end: number, want: number): number {
    const take = Math.min(want - this.len, end - start);
    if (take <= 0) return start;
    chunk.copy(this.bytes, this.len, start, start + take);
    this.len += take;
    return start + take;
  }
}

/** The parser for the capture whose first MAGIC_LEN bytes are `magic`, or an InputError naming them. */
export function openParser(
  file: string,
  magic: Buffer,
  sink: FrameSink,
  interfaceFilter: string | null = null,
): { format: CaptureFormat; parser: CaptureParser } {
  if (isPcapMagic(magic, 0)) return { format: 'pcap', parser: createPcapParser(file, sink) };
  if (isPcapngMagic(magic, 0)) return { format: 'pcapng', parser: createPcapngParser(file, sink, interfaceFilter) };
  throw new InputError(file, 0, { reason: 'unknown-format', magic: magic.readUInt32BE(0) });
}
