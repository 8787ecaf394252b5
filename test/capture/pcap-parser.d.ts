// Types for the parts of pcap-parser (npm, a dev dependency used as an independent reader in tests) that the tests use.

declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  /** Parses a classic pcap file path or stream; emits globalHeader, packet, error, end (see its README). */
  export function parse(input: string | Readable): EventEmitter;
}
