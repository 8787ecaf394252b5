// pcapng reader (draft-ietf-opsawg-pcapng; libpcap sf-pcapng.c, Wireshark pcapng.c): a push parser that walks blocks in place.

import { viewOf } from '../../bytes';
import type { InputProblem } from '../input-error';
import { ChunkedParser } from './chunked-parser';
import type { Frame, FrameSink } from '../../frame';
import { LINKTYPE, MAX_INTERFACES_PER_INPUT, newFrame } from '../../frame';
import { ticksToTime } from '../timestamp';
import type { Interface } from './pcapng-format';
import {
  BLOCK,
  BLOCK_BODY,
  BLOCK_HEADER_LEN,
  BLOCK_MIN_LEN,
  BLOCK_TRAILER_LEN,
  EPB_FLAGS,
  EPB_FLAGS_LINK_ERRORS,
  EPB_PACKETID,
  EPB_VERDICT,
  OPTION_HEADER_LEN,
  OPT_ENDOFOPT,
  OVER_CAP,
  PACKET_ID_SLOTS,
  PCAPNG_MAX_BLOCK_LEN,
  PCAPNG_VERSION_MAJOR,
  PCAPNG_VERSION_MINORS,
  SHB_BYTE_ORDER_MAGIC,
  SHB_HEADER_LEN,
  TC_DROP,
  VERDICT_LINUX_TC,
  VERDICT_LINUX_XDP,
  XDP_ABORTED,
  XDP_DROP,
  minLenOf,
} from './pcapng-format';
import type { InterfaceStatistics } from './pcapng-options';
import { readInterfaceOptions, readStatisticsOptions } from './pcapng-options';

/**
 * Push parser for one pcapng stream (one or more sections, each in its own byte order).
 * `push()` chunks in file order, then `end()`. Each packet block is handed to the sink as the
 * one reused `Frame`, pointing into the pushed chunk; only a block split across chunks is
 * copied, into a reused carry buffer. Damage throws an `InputError` (from `push` or `end`)
 * after every earlier packet was delivered; the parser then keeps throwing it.
 */
export class PcapngParser extends ChunkedParser {
  /** Packets delivered so far. */
  frames = 0;
  /**
   * LINKTYPE_* of every IDB so far, in file order: indexed by Frame.ifIndex. At most
   * MAX_INTERFACES_PER_INPUT, then one LINKTYPE.OVER_CAP for all the interfaces past the cap.
   */
  readonly linkTypes: number[] = [];
  /** if_name of every IDB so far ('' when it has none), in file order: indexed by Frame.ifIndex. */
  readonly ifNames: string[] = [];
  /** Packets delivered as copies of a packet id already seen in their section. */
  copies = 0;
  /** Packets of interfaces the interface filter left out. */
  filteredOut = 0;

  /** Packet ids seen in this section: high and low halves, and the section (1-based) that wrote each slot. */
  private readonly idHigh = new Uint32Array(PACKET_ID_SLOTS);
  private readonly idLow = new Uint32Array(PACKET_ID_SLOTS);
  private readonly idSection = new Uint32Array(PACKET_ID_SLOTS);
  private section = 0;
  /** Interface description blocks past MAX_INTERFACES_PER_INPUT (read, checked, not kept). */
  interfacesOverCap = 0;

  private readonly frame: Frame = newFrame();
  /** Byte order of the current section. */
  private le = true;
  private inSection = false;
  /** The current section's interfaces, by interface id (those under the cap). */
  private interfaces: Interface[] = [];
  /** IDBs of the current section, kept or not: ids from interfaces.length up are OVER_CAP. */
  private sectionInterfaces = 0;
  /** The last packet's time in this section: a Simple Packet Block, which has none, gets it. */
  private lastSec = 0;
  private lastNsec = 0;
  /** Called for each Interface Statistics Block (rare: dumpcap writes one per interface at its end); unset, they are skipped. */
  onStatistics: ((stats: InterfaceStatistics) => void) | null = null;
  /** Type and total length of the block whose header was read last (readBlockHeader). */
  private blockType = 0;
  private blockLen = 0;

  constructor(
    name: string,
    private readonly sink: FrameSink,
    /**
     * Only the interfaces whose if_name contains this (case-insensitive), or whose interface id in
     * the section it is (digits): one pktmon component. Null: every interface.
     */
    private readonly interfaceFilter: string | null = null,
  ) {
    // Nothing pending: the first block's header is read like any other.
    super(name, 0, false);
  }

  protected cutShortReason(): InputProblem {
    if (!this.carryHasLen) return { reason: 'header-cut-short', header: 'block header', have: this.carryLen, need: this.carryNeed };
    return { reason: 'block-cut-short', blockType: this.blockType, blockLen: this.blockLen, left: this.carryLen };
  }

  /**
   * Hot path: handles every whole block in `buf[off .. end)` in place and returns the offset
   * of the first one that is not whole. Nothing is allocated for packet blocks.
   */
  protected walk(buf: Buffer, off: number, end: number, base: number): number {
    const view = viewOf(buf);
    for (;;) {
      if (end - off < BLOCK_HEADER_LEN || !this.readBlockHeader(view, off, end, base + off)) {
        this.carryHasLen = false;
        return off;
      }
      const next = off + this.blockLen;
      if (next > end) {
        this.carryHasLen = true;
        return off;
      }
      this.handleBlock(buf, view, off, base + off);
      off = next;
    }
  }

  protected pendingNeed(have: number): number {
    if (this.carryHasLen) return this.blockLen;
    // Without a header read, fewer than 8 bytes are at hand, or a section header lacks its
    // byte-order magic (it comes before the length can be read).
    return have < BLOCK_HEADER_LEN ? BLOCK_HEADER_LEN : SHB_HEADER_LEN;
  }

  protected readCarriedHeader(carry: Buffer): boolean {
    return this.readBlockHeader(viewOf(carry), 0, this.carryLen, this.carryStart);
  }

  protected handleCarried(carry: Buffer): void {
    this.handleBlock(carry, viewOf(carry), 0, this.carryStart);
  }

  /**
   * Reads and checks the type and total length of the block at `view[off ..)`, at least 8 bytes
   * of which are below `end`. Returns false, reading nothing, when it is a section header
   * whose byte-order magic is not there yet.
   */
  private readBlockHeader(view: DataView, off: number, end: number, at: number): boolean {
    const type = view.getUint32(off, this.le);
    if (type === BLOCK.SHB) {
      if (end - off < SHB_HEADER_LEN) return false;
      // A new section may switch byte order: its magic says which (§4.1).
      const magic = view.getUint32(off + 8);
      if (magic === SHB_BYTE_ORDER_MAGIC) this.le = false;
      else if (view.getUint32(off + 8, true) === SHB_BYTE_ORDER_MAGIC) this.le = true;
      else this.fail(at, { reason: 'byte-order-magic', magic });
    } else if (!this.inSection) {
      this.fail(at, { reason: 'first-block-not-section', blockType: type });
    }
    const len = view.getUint32(off + 4, this.le);
    const min = minLenOf(type);
    if (len < min) this.fail(at, { reason: 'block-too-short', blockType: type, blockLen: len, min });
    if (len % 4 !== 0) this.fail(at, { reason: 'block-not-aligned', blockType: type, blockLen: len });
    if (len > PCAPNG_MAX_BLOCK_LEN) {
      this.fail(at, { reason: 'block-too-long', blockType: type, blockLen: len, max: PCAPNG_MAX_BLOCK_LEN });
    }
    this.blockType = type;
    this.blockLen = len;
    return true;
  }

  /** The whole block is at `buf[off .. off + blockLen)` (`view` is viewOf(buf)): checks its trailer and acts on it. */
  private handleBlock(buf: Buffer, view: DataView, off: number, at: number): void {
    const len = this.blockLen;
    const trailer = view.getUint32(off + len - BLOCK_TRAILER_LEN, this.le);
    if (trailer !== len) {
      this.fail(at, { reason: 'block-length-mismatch', blockType: this.blockType, blockLen: len, trailer });
    }
    // Every read below lies in [off, off + len): readBlockHeader checked len >= the type's minimum.
    switch (this.blockType) {
      case BLOCK.EPB:
        this.enhancedPacket(buf, view, off, len, at);
        break;
      case BLOCK.SPB:
        this.simplePacket(buf, view, off, len, at);
        break;
      case BLOCK.PB:
        this.obsoletePacket(buf, view, off, len, at);
        break;
      case BLOCK.IDB:
        this.interfaceDescription(buf, view, off, len, at);
        break;
      case BLOCK.SHB:
        this.sectionHeader(view, off, at);
        break;
      case BLOCK.ISB:
        if (this.onStatistics !== null) this.interfaceStatistics(view, off, len, at);
        break;
      default:
        // NRB, DSB, custom blocks (0xBAD, 0x40000BAD) and unknown types carry nothing
        // netgap uses; their length was checked, so they are skipped whole.
        break;
    }
  }

  /** Hot path. EPB: interface id, timestamp (high, low), caplen, origlen, data (§4.3). */
  private enhancedPacket(buf: Buffer, view: DataView, off: number, len: number, at: number): void {
    const le = this.le;
    const iface = this.interfaceOf(view.getUint32(off + 8, le), at);
    const capLen = view.getUint32(off + 20, le);
    if (capLen > len - BLOCK_MIN_LEN.EPB) {
      this.fail(at, { reason: 'packet-beyond-block', capLen, room: len - BLOCK_MIN_LEN.EPB });
    }
    // Left out before its packet id is seen: a copy at a selected component is then the packet's first.
    if (!iface.selected) {
      this.filteredOut++;
      return;
    }
    this.stamp(view.getUint32(off + 12, le), view.getUint32(off + 16, le), iface);
    const optStart = off + 28 + ((capLen + 3) & ~3);
    if (optStart < off + len - BLOCK_TRAILER_LEN) this.packetOptions(view, optStart, off + len - BLOCK_TRAILER_LEN, at);
    this.deliver(buf, off + 28, capLen, view.getUint32(off + 24, le), iface);
  }

  /** Hot path: the packet's time from its timestamp ticks, or the previous packet's for an interface past the cap. */
  private stamp(hi: number, lo: number, iface: Interface): void {
    if (iface !== OVER_CAP) {
      ticksToTime(hi, lo, iface.unit, iface.offsetSec, this.frame);
      return;
    }
    this.frame.tsSec = this.lastSec;
    this.frame.tsNsec = this.lastNsec;
  }

  /**
   * Hot path when an EPB has options: epb_packetid marks a copy of a packet already delivered in
   * the section (etl2pcapng: pktmon's PktGroupId, one copy per component), epb_verdict and
   * epb_flags a packet that was dropped (etl2pcapng: a pktmon drop event, as XDP_DROP).
   * The frame's flags are set here; `deliver` clears them for the next packet.
   */
  private packetOptions(view: DataView, o: number, optEnd: number, at: number): void {
    const le = this.le;
    const frame = this.frame;
    while (optEnd - o >= OPTION_HEADER_LEN) {
      const code = view.getUint16(o, le);
      const optLen = view.getUint16(o + 2, le);
      if (code === OPT_ENDOFOPT) break;
      const room = optEnd - o - OPTION_HEADER_LEN;
      if (optLen > room) this.fail(at, { reason: 'option-beyond-block', code, optLen, room });
      // The option's value lies in [o + 4, o + 4 + optLen), inside the block (checked above).
      const v = o + OPTION_HEADER_LEN;
      if (code === EPB_PACKETID && optLen >= 8) {
        // A 64-bit id in the section's byte order.
        const high = view.getUint32(le ? v + 4 : v, le);
        const low = view.getUint32(le ? v : v + 4, le);
        const slot = low & (PACKET_ID_SLOTS - 1);
        if (this.idSection[slot] === this.section && this.idLow[slot] === low && this.idHigh[slot] === high) {
          frame.copy = true;
        } else {
          this.idSection[slot] = this.section;
          this.idLow[slot] = low;
          this.idHigh[slot] = high;
        }
      } else if (code === EPB_FLAGS && optLen >= 4) {
        if ((view.getUint32(v, le) & EPB_FLAGS_LINK_ERRORS) !== 0) frame.dropped = true;
      } else if (code === EPB_VERDICT && optLen >= 9) {
        // TC and XDP verdicts are a 64-bit action (etl2pcapng marks a pktmon drop as XDP_DROP); a hardware verdict is opaque bytes, not read.
        const type = view.getUint8(v);
        if (type === VERDICT_LINUX_TC || type === VERDICT_LINUX_XDP) {
          const action = view.getUint32(le ? v + 1 : v + 5, le);
          const high = view.getUint32(le ? v + 5 : v + 1, le);
          if (high === 0 && (type === VERDICT_LINUX_TC ? action === TC_DROP : action === XDP_DROP || action === XDP_ABORTED)) frame.dropped = true;
        }
      }
      o += OPTION_HEADER_LEN + ((optLen + 3) & ~3); // values are padded to 32 bits
    }
  }

  /**
   * SPB: origlen, data (§4.4). It names no interface (it is interface 0) and has no time: it
   * gets the previous packet's time in the section, or 0. Its captured length is not stored:
   * it is origlen cut to the snaplen and to the block body.
   */
  private simplePacket(buf: Buffer, view: DataView, off: number, len: number, at: number): void {
    if (this.sectionInterfaces === 0) this.fail(at, { reason: 'packet-before-interface' });
    const iface = this.interfaces[0] ?? OVER_CAP;
    const origLen = view.getUint32(off + 8, this.le);
    let capLen = Math.min(origLen, len - BLOCK_MIN_LEN.SPB);
    if (iface.snapLen !== 0 && iface.snapLen < capLen) capLen = iface.snapLen;
    this.frame.tsSec = this.lastSec;
    this.frame.tsNsec = this.lastNsec;
    this.deliver(buf, off + 12, capLen, origLen, iface);
  }

  /** Obsolete PB: 16-bit interface id, drops count, timestamp, caplen, origlen, data (appendix A). */
  private obsoletePacket(buf: Buffer, view: DataView, off: number, len: number, at: number): void {
    const le = this.le;
    const iface = this.interfaceOf(view.getUint16(off + 8, le), at);
    const capLen = view.getUint32(off + 20, le);
    if (capLen > len - BLOCK_MIN_LEN.PB) {
      this.fail(at, { reason: 'packet-beyond-block', capLen, room: len - BLOCK_MIN_LEN.PB });
    }
    this.stamp(view.getUint32(off + 12, le), view.getUint32(off + 16, le), iface);
    this.deliver(buf, off + 28, capLen, view.getUint32(off + 24, le), iface);
  }

  private interfaceOf(id: number, at: number): Interface {
    const iface = this.interfaces[id];
    if (iface !== undefined) return iface;
    if (id < this.sectionInterfaces) return OVER_CAP;
    this.fail(at, { reason: 'unknown-interface', id, interfaces: this.sectionInterfaces });
  }

  /** Hands the packet at buf[dataOff ..) (time already in the frame) to the sink. */
  private deliver(buf: Buffer, dataOff: number, capLen: number, origLen: number, iface: Interface): void {
    const frame = this.frame;
    frame.buf = buf;
    frame.off = dataOff;
    frame.capLen = capLen;
    frame.origLen = origLen;
    frame.linkType = iface.linkType;
    frame.ifIndex = iface.ifIndex;
    frame.ifName = iface.name;
    this.lastSec = frame.tsSec;
    this.lastNsec = frame.tsNsec;
    this.frames++;
    if (frame.copy) this.copies++;
    this.sink(frame);
    frame.copy = false;
    frame.dropped = false;
  }

  /** Rare. IDB: link type, reserved, snaplen, options (§4.2). */
  private interfaceDescription(buf: Buffer, view: DataView, off: number, len: number, at: number): void {
    const le = this.le;
    const linkType = view.getUint16(off + BLOCK_BODY, le);
    const snapLen = view.getUint32(off + 12, le);
    const { unit, offsetSec, name } = readInterfaceOptions(buf, view, off + 16, off + len - BLOCK_TRAILER_LEN, le, (problem) => this.fail(at, problem));
    this.sectionInterfaces++;
    const ifIndex = this.linkTypes.length;
    const f = this.interfaceFilter;
    const id = this.sectionInterfaces - 1;
    const selected = f === null || (/^\d+$/.test(f) ? Number(f) === id : name.toLowerCase().includes(f.toLowerCase()));
    if (ifIndex < MAX_INTERFACES_PER_INPUT) {
      this.interfaces.push({ linkType, snapLen, unit, offsetSec, ifIndex, name, selected });
      this.linkTypes.push(linkType);
      this.ifNames.push(name);
      return;
    }
    // Past the cap: its frames are counted under a reason, and no memory grows with the input.
    if (this.interfacesOverCap++ === 0) this.linkTypes.push(LINKTYPE.OVER_CAP);
  }

  /** Rare. ISB: interface id, timestamp (high, low), options (§4.6); the counters netgap uses are read from the options. */
  private interfaceStatistics(view: DataView, off: number, len: number, at: number): void {
    const le = this.le;
    const iface = this.interfaceOf(view.getUint32(off + 8, le), at);
    const time = { tsSec: 0, tsNsec: 0 };
    ticksToTime(view.getUint32(off + 12, le), view.getUint32(off + 16, le), iface.unit, iface.offsetSec, time);
    const { ifRecv, ifDrop, osDrop } = readStatisticsOptions(view, off + 20, off + len - BLOCK_TRAILER_LEN, le, (problem) => this.fail(at, problem));
    this.onStatistics!({ ifIndex: iface.ifIndex, tsSec: time.tsSec, tsNsec: time.tsNsec, ifRecv, ifDrop, osDrop });
  }

  /** Rare. SHB: byte-order magic (already read), version, section length, options (§4.1). */
  private sectionHeader(view: DataView, off: number, at: number): void {
    const major = view.getUint16(off + 12, this.le);
    const minor = view.getUint16(off + 14, this.le);
    if (major !== PCAPNG_VERSION_MAJOR || !PCAPNG_VERSION_MINORS.includes(minor)) {
      this.fail(at, { reason: 'pcapng-version', major, minor });
    }
    // Interface ids restart in each section; Frame.ifIndex keeps counting (linkTypes.length).
    this.interfaces = [];
    // Packet ids are unique within a section only: slots written by an earlier section no longer match.
    this.section++;
    this.sectionInterfaces = 0;
    this.lastSec = 0;
    this.lastNsec = 0;
    this.inSection = true;
  }
}

/** A parser for one pcapng stream named `name` (used in errors). */
export function createPcapngParser(name: string, sink: FrameSink, interfaceFilter: string | null = null): PcapngParser {
  return new PcapngParser(name, sink, interfaceFilter);
}
