// pcapng block layout (draft-ietf-opsawg-pcapng §3-4.6, libpcap sf-pcapng.c): block types, minimum lengths, option codes.

import type { TsUnit } from '../timestamp';
import { TS_UNIT_USEC } from '../timestamp';
import { LINKTYPE, MAX_INTERFACES_PER_INPUT } from '../../frame';

/** Block types netgap reads; every other block (NRB, DSB, custom, unknown) is skipped whole. */
export const BLOCK = {
  /** Section Header Block; its type reads the same in both byte orders. */
  SHB: 0x0a0d0d0a,
  /** Interface Description Block. */
  IDB: 0x00000001,
  /** Packet Block, obsolete since pcapng 1.0 but still written by old tools. */
  PB: 0x00000002,
  /** Simple Packet Block: no timestamp, no interface id (interface 0). */
  SPB: 0x00000003,
  /** Interface Statistics Block: read only when the parser has an `onStatistics` handler. */
  ISB: 0x00000005,
  /** Enhanced Packet Block. */
  EPB: 0x00000006,
} as const;

/** Smallest legal total length of each block (header 8 + fixed body + trailer 4). */
export const BLOCK_MIN_LEN = {
  ANY: 12,
  SHB: 28,
  IDB: 20,
  PB: 32,
  SPB: 16,
  ISB: 24,
  EPB: 32,
} as const;

/** Offsets inside a block, from its first byte. */
export const BLOCK_BODY = 8;
export const SHB_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** The SHB needs its byte-order magic (bytes 8..12) before its length can be read. */
export const SHB_HEADER_LEN = 12;
export const BLOCK_HEADER_LEN = 8;
export const BLOCK_TRAILER_LEN = 4;
/** SHB version: 1.0, and 1.2, which some writers use for the same format (libpcap accepts these two only). */
export const PCAPNG_VERSION_MAJOR = 1;
export const PCAPNG_VERSION_MINORS: readonly number[] = [0, 2];

/**
 * The longest block accepted, as Wireshark (which adds a little slack to 128 MiB). Beyond it
 * a length is damage, and a carry of that size is the worst a file can make us allocate.
 */
export const PCAPNG_MAX_BLOCK_LEN = 128 * 1024 * 1024;

/** IDB options netgap uses (§4.2), and the end-of-options marker. */
export const OPT_ENDOFOPT = 0;
export const IF_TSRESOL = 9;
export const IF_TSOFFSET = 14;
/** if_name (§4.2): pktmon's etl2pcapng names each component's interface. */
export const IF_NAME = 2;
export const OPTION_HEADER_LEN = 4;
/** EPB options (§4.3.1) netgap reads. */
export const EPB_FLAGS = 2;
export const EPB_PACKETID = 5;
export const EPB_VERDICT = 7;
/** epb_flags bits 16-31: link-layer errors (CRC, too long or short, symbol...): the frame was not received whole. */
export const EPB_FLAGS_LINK_ERRORS = 0xffff0000;
/** epb_verdict types (§4.3.1) netgap reads, and the values that mean the packet went no further (type 0, hardware, is opaque bytes). */
export const VERDICT_LINUX_TC = 1;
export const VERDICT_LINUX_XDP = 2;
/** TC_ACT_SHOT. */
export const TC_DROP = 2;
/** XDP_ABORTED, XDP_DROP. */
export const XDP_ABORTED = 0;
export const XDP_DROP = 1;
/**
 * Packet ids remembered per section, direct-mapped on the id's low bits: pktmon numbers packets in
 * sequence and logs a packet's copies close together, so a copy is recognised while fewer than
 * this many packets came between; memory stays fixed whatever the input.
 */
export const PACKET_ID_SLOTS = 1 << 16;
/** ISB options netgap uses (§4.6): 64-bit counters. */
export const ISB_IFRECV = 4;
export const ISB_IFDROP = 5;
export const ISB_OSDROP = 7;

/** One interface of the current section, from its IDB. */
export interface Interface {
  readonly linkType: number;
  /** IDB SnapLen; 0 means no limit. */
  readonly snapLen: number;
  readonly unit: TsUnit;
  /** if_tsoffset: whole seconds added to every timestamp of the interface. */
  readonly offsetSec: number;
  /** Frame.ifIndex: the IDB's position among all IDBs of the input. */
  readonly ifIndex: number;
  /** if_name, '' when the IDB has none. */
  readonly name: string;
  /** False when --interface-filter leaves this interface out: its packets are counted in `filteredOut`, not delivered. */
  readonly selected: boolean;
}

/**
 * Every interface past MAX_INTERFACES_PER_INPUT: nothing of its description is kept, its frames
 * are delivered with no link type (decoded as `interface-over-cap`) and, since its time
 * resolution and offset are unknown, the previous packet time of its section (as a Simple Packet Block).
 */
export const OVER_CAP: Interface = {
  linkType: LINKTYPE.OVER_CAP,
  snapLen: 0,
  unit: TS_UNIT_USEC,
  offsetSec: 0,
  ifIndex: MAX_INTERFACES_PER_INPUT,
  name: '',
  selected: true,
};

/** True when `buf[off .. off + 4)` is the type of a Section Header Block (pcapng's magic). */
export function isPcapngMagic(buf: Buffer, off: number): boolean {
  return buf.length - off >= 4 && buf.readUInt32BE(off) === BLOCK.SHB;
}

export function minLenOf(type: number): number {
  switch (type) {
    case BLOCK.SHB:
      return BLOCK_MIN_LEN.SHB;
    case BLOCK.IDB:
      return BLOCK_MIN_LEN.IDB;
    case BLOCK.PB:
      return BLOCK_MIN_LEN.PB;
    case BLOCK.ISB:
      return BLOCK_MIN_LEN.ISB;
    case BLOCK.SPB:
      return BLOCK_MIN_LEN.SPB;
    case BLOCK.EPB:
      return BLOCK_MIN_LEN.EPB;
    default:
      return BLOCK_MIN_LEN.ANY;
  }
}
