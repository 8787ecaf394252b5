// The one error a damaged or unreadable input raises: file, byte offset, a reason from a fixed list and its fields (etherparse's LenError).

/** What went wrong, with the fields that say so: the length field that disagreed and what it met. */
export type InputProblem =
  | { readonly reason: 'no-such-file' | 'permission-denied' | 'is-a-directory' | 'reading-stopped' | 'empty-input' | 'gzip-cut-short' }
  /** Bytes after the gzip data that are not another member: the data before them was all read (gzip -d keeps it and warns). */
  | { readonly reason: 'gzip-trailing-garbage' }
  | { readonly reason: 'read-failed' | 'gzip-damaged'; readonly detail: string }
  /** Fewer bytes than a magic number: `have` of them. */
  | { readonly reason: 'too-short'; readonly have: number }
  /** The first 4 bytes name neither pcap nor pcapng. */
  | { readonly reason: 'unknown-format'; readonly magic: number }
  | { readonly reason: 'pcap-bad-magic'; readonly magic: number }
  | { readonly reason: 'pcap-version' | 'pcapng-version'; readonly major: number; readonly minor: number }
  /** Reserved bits (16-25, libpcap's LT_RESERVED1) set in a pcap file's link-type field. */
  | { readonly reason: 'pcap-link-type-reserved'; readonly field: number }
  /** A header the input ended inside: `have` of its `need` bytes. */
  | {
      readonly reason: 'header-cut-short';
      readonly header: 'pcap file header' | 'record header' | 'block header';
      readonly have: number;
      readonly need: number;
    }
  /** A pcap record's caplen beyond the link type's maximum. */
  | { readonly reason: 'record-too-long'; readonly capLen: number; readonly max: number; readonly linkType: number }
  /** A pcap record's caplen beyond the end of the input. */
  | { readonly reason: 'record-cut-short'; readonly capLen: number; readonly left: number }
  | { readonly reason: 'block-cut-short'; readonly blockType: number; readonly blockLen: number; readonly left: number }
  | { readonly reason: 'byte-order-magic'; readonly magic: number }
  | { readonly reason: 'first-block-not-section'; readonly blockType: number }
  | { readonly reason: 'block-too-short'; readonly blockType: number; readonly blockLen: number; readonly min: number }
  | { readonly reason: 'block-not-aligned'; readonly blockType: number; readonly blockLen: number }
  | { readonly reason: 'block-too-long'; readonly blockType: number; readonly blockLen: number; readonly max: number }
  /** The trailing length of a block differs from its leading one. */
  | { readonly reason: 'block-length-mismatch'; readonly blockType: number; readonly blockLen: number; readonly trailer: number }
  /** A packet block's captured length beyond its body. */
  | { readonly reason: 'packet-beyond-block'; readonly capLen: number; readonly room: number }
  | { readonly reason: 'packet-before-interface' }
  | { readonly reason: 'unknown-interface'; readonly id: number; readonly interfaces: number }
  | { readonly reason: 'option-beyond-block'; readonly code: number; readonly optLen: number; readonly room: number };

export type InputErrorReason = InputProblem['reason'];

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The problem in words: the reason and its fields. */
export function describeProblem(p: InputProblem): string {
  switch (p.reason) {
    case 'no-such-file':
      return 'cannot open: no such file';
    case 'permission-denied':
      return 'cannot open: permission denied';
    case 'is-a-directory':
      return 'cannot read: is a directory';
    case 'read-failed':
      return `cannot read: ${p.detail}`;
    case 'reading-stopped':
      return 'reading stopped';
    case 'empty-input':
      return 'empty input: no capture file header';
    case 'too-short':
      return `not a pcap or pcapng file: only ${p.have} byte(s)`;
    case 'unknown-format':
      return `not a pcap or pcapng file (magic 0x${p.magic.toString(16).padStart(8, '0')})`;
    case 'gzip-cut-short':
      return 'gzip stream cut short';
    case 'gzip-damaged':
      return `gzip data damaged: ${p.detail}`;
    case 'gzip-trailing-garbage':
      return 'trailing garbage after the gzip data ignored';
    case 'pcap-bad-magic':
      return `not a pcap file (magic 0x${p.magic.toString(16).padStart(8, '0')})`;
    case 'pcap-version':
      return `unsupported pcap version ${p.major}.${p.minor} (only 2.0 to 2.4 are defined)`;
    case 'pcapng-version':
      return `unsupported pcapng version ${p.major}.${p.minor} (only 1.0 is defined; 1.2 is read as 1.0)`;
    case 'pcap-link-type-reserved':
      return `reserved bits set in the link-type field (0x${p.field.toString(16).padStart(8, '0')})`;
    case 'header-cut-short':
      return `${p.header} cut short: ${p.have} of ${p.need} bytes`;
    case 'record-too-long':
      return `record claims ${p.capLen} bytes, more than the ${p.max}-byte maximum for link type ${p.linkType}`;
    case 'record-cut-short':
      return `record claims ${p.capLen} bytes, only ${p.left} left`;
    case 'block-cut-short':
      return `block (type ${hex(p.blockType)}) claims ${p.blockLen} bytes, only ${p.left} left`;
    case 'byte-order-magic':
      return `section header has byte-order magic ${hex(p.magic)}, not 0x1a2b3c4d`;
    case 'first-block-not-section':
      return `first block has type ${hex(p.blockType)}, not a section header (0xa0d0d0a)`;
    case 'block-too-short':
      return `block (type ${hex(p.blockType)}) claims ${p.blockLen} bytes, less than the ${p.min} its type needs`;
    case 'block-not-aligned':
      return `block (type ${hex(p.blockType)}) claims ${p.blockLen} bytes, not a multiple of 4`;
    case 'block-too-long':
      return `block (type ${hex(p.blockType)}) claims ${p.blockLen} bytes, more than the ${p.max}-byte maximum`;
    case 'block-length-mismatch':
      return `block (type ${hex(p.blockType)}) ends with length ${p.trailer}, its header says ${p.blockLen}`;
    case 'packet-beyond-block':
      return `packet block claims ${p.capLen} captured bytes, its body holds only ${p.room}`;
    case 'packet-before-interface':
      return 'simple packet block before any interface description block in its section';
    case 'unknown-interface':
      return `packet block names interface ${p.id}, but its section has ${p.interfaces} interface(s)`;
    case 'option-beyond-block':
      return `interface option ${p.code} claims ${p.optLen} bytes, only ${p.room} left in its block`;
  }
}

function words(problem: InputProblem, decompressed: boolean): string {
  return `${describeProblem(problem)}${decompressed ? ' (offset in the decompressed stream)' : ''}`;
}

/**
 * A capture input that cannot be read on: a damaged file, a cut-off record, an unknown format.
 * Every frame before `offset` has been delivered. The CLI prints `message` as one line and exits 2.
 */
export class InputError extends Error {
  constructor(
    /** The input's name as the user gave it (`-` for stdin). */
    readonly file: string,
    /** Byte offset in the (decompressed) stream where the damage was found. */
    readonly offset: number,
    /** What disagreed, and the fields that say so. */
    readonly problem: InputProblem,
    /** The input is gzip-compressed: `offset` counts decompressed bytes. */
    readonly decompressed = false,
  ) {
    super(`${file}: byte ${offset}: ${words(problem, decompressed)}`);
    this.name = 'InputError';
  }

  get reason(): InputErrorReason {
    return this.problem.reason;
  }

  /** What disagreed, in words: the message without the file and offset. */
  get description(): string {
    return words(this.problem, this.decompressed);
  }

  /** The same error, its offset counted in the decompressed stream of a gzip input. */
  inDecompressedStream(): InputError {
    return new InputError(this.file, this.offset, this.problem, true);
  }
}
