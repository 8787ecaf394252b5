// Test helper: the classic pcaps of the shared corpus, read with the `pcap-parser` package, and their oracles.

import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { GlobalHeader, Packet } from 'pcap-parser';
import { parse } from 'pcap-parser';
import { sharedCorpus } from '../repo';

export const CORPUS_DIR = sharedCorpus();

/** The part of `expected/<file>.json` these tests compare against (see the corpus MANIFEST.md). */
export interface Oracle {
  packets: number;
  format: { format: string; ts_resolution?: string };
  counts: Record<string, number>;
  stations: { mac: string; arp_sent: number; ambiguous?: boolean; arp_sent_min?: number; arp_sent_max?: number }[];
}

export interface CorpusFrame {
  linkType: number;
  data: Buffer;
  origLen: number;
}

export function readOracle(file: string): Oracle {
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'expected', `${file}.json`), 'utf8')) as Oracle;
}

/**
 * The good files pcap-parser can read: classic microsecond pcap, plain or gzip-compressed.
 * pcapng is not a format it knows, and it rejects the nanosecond magic.
 */
export function classicMicrosecondPcaps(): string[] {
  return readdirSync(join(CORPUS_DIR, 'good'))
    .filter((file) => {
      const format = readOracle(file).format;
      return format.format === 'pcap' && format.ts_resolution === 'usec';
    })
    .sort();
}

/**
 * The pcap header's link-type field keeps the LINKTYPE_* value in its low 26 bits; the bits above
 * carry FCS facts (pcap-savefile(5), libpcap's LT_LINKTYPE), set in ipv6hdr-heapoverflow.pcap.
 */
const LINKTYPE_MASK = 0x03ffffff;

export function readPcap(file: string): Promise<CorpusFrame[]> {
  const path = join(CORPUS_DIR, 'good', file);
  const input = file.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : path;
  return new Promise((resolve, reject) => {
    const frames: CorpusFrame[] = [];
    let linkType = -1;
    const parser = parse(input);
    parser.on('globalHeader', (header: GlobalHeader) => {
      linkType = header.linkLayerType & LINKTYPE_MASK;
    });
    parser.on('packet', (packet: Packet) => {
      frames.push({ linkType, data: packet.data, origLen: packet.header.originalLength });
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(frames));
  });
}
