// Classic pcap reader (draft-ietf-opsawg-pcap; libpcap sf-pcap.c): a push parser that walks records in place.

import { viewOf } from '../../bytes';
import type { InputProblem } from '../input-error';
import { ChunkedParser } from './chunked-parser';
import type { Frame, FrameSink } from '../../frame';
import { newFrame } from '../../frame';
import type { TsUnit } from '../timestamp';
import { TS_UNIT_NSEC, TS_UNIT_USEC, secFracToTime } from '../timestamp';

const PCAP_FILE_HEADER_LEN = 24;
const PCAP_RECORD_HEADER_LEN = 16;

/** The four magic numbers as the first 4 bytes read big-endian: µs or ns, either byte order. */
const PCAP_MAGIC = {
  USEC_BE: 0xa1b2c3d4,
  USEC_LE: 0xd4c3b2a1,
  NSEC_BE: 0xa1b23c4d,
  NSEC_LE: 0x4d3cb2a1,
} as const;

/** The only version major libpcap accepts (besides DG/UX's 543.0); minors 0..4. */
const PCAP_VERSION_MAJOR = 2;
const PCAP_VERSION_MINOR_MAX = 4;

/**
 * Where caplen and len sit in a record header. libpcap swapped them at version 2.3, and some
 * 2.3 writers did not: libpcap swaps for < 2.3 and, for 2.3, when caplen > len (sf-pcap.c).
 */
const LENGTH_ORDER = { IN_ORDER: 0, MAYBE_SWAPPED: 1, SWAPPED: 2 } as const;
type LengthOrder = (typeof LENGTH_ORDER)[keyof typeof LENGTH_ORDER];

/** LT_LINKTYPE(): the linktype field's upper 16 bits hold the FCS length (pcap-common.h). */
const LINKTYPE_MASK = 0xffff;
/** LT_RESERVED1(): bits 16-25 of the linktype field, which must be 0 (libpcap refuses the file otherwise). */
const LINKTYPE_RESERVED_MASK = 0x03ff0000;

/**
 * The largest record libpcap and Wireshark accept (WTAP_MAX_PACKET_SIZE_STANDARD; libpcap's
 * max_snaplen_for_dlt), with libpcap's three larger link types. A bigger caplen is damage.
 */
const PCAP_MAX_CAPLEN = 262144;
function maxCapLenFor(linkType: number): number {
  switch (linkType) {
    case 231: // LINKTYPE_DBUS: D-Bus messages are up to 128 MiB
      return 128 * 1024 * 1024;
    case 279: // LINKTYPE_EBHSCR
      return 8 * 1024 * 1024;
    case 249: // LINKTYPE_USBPCAP
      return 1024 * 1024;
    default:
      return PCAP_MAX_CAPLEN;
  }
}

/** True when `buf[off .. off + 4)` is one of the four classic pcap magic numbers. */
export function isPcapMagic(buf: Buffer, off: number): boolean {
  if (buf.length - off < 4) return false;
  const magic = buf.readUInt32BE(off);
  return magic === PCAP_MAGIC.USEC_BE || magic === PCAP_MAGIC.USEC_LE || magic === PCAP_MAGIC.NSEC_BE || magic === PCAP_MAGIC.NSEC_LE;
}

/**
 * Push parser for one classic pcap stream. `push()` chunks in file order, then `end()`.
 * Each record is handed to the sink as the one reused `Frame`, pointing into the pushed chunk
 * itself; only a record split across two chunks is copied, into a reused carry buffer.
 * Damage throws an `InputError` (from `push` or `end`) after every earlier record was
 * delivered; the parser then keeps throwing it. A sink that throws ends the parse too.
 */
export class PcapParser extends ChunkedParser {
  /** Records delivered so far. */
  frames = 0;
  /** The file's LINKTYPE_* (one entry once the header is read), indexed by Frame.ifIndex. */
  readonly linkTypes: number[] = [];

  private readonly frame: Frame = newFrame();
  private headerDone = false;
  private le = true;
  private unit: TsUnit = TS_UNIT_USEC;
  private lengthOrder: LengthOrder = LENGTH_ORDER.IN_ORDER;
  private linkType = 0;
  private maxCapLen = PCAP_MAX_CAPLEN;
  /** Lengths of the record whose header was read last (readRecordHeader). */
  private capLen = 0;
  private origLen = 0;

  constructor(
    name: string,
    private readonly sink: FrameSink,
  ) {
    // The file header starts out pending (its length is fixed), so that it is always read
    // from the carry, however the first chunks are cut.
    super(name, PCAP_FILE_HEADER_LEN, true);
  }

  /** The file header is pending from stream offset 0 (carryStart) until read, so it is named first. */
  protected cutShortReason(): InputProblem {
    if (!this.headerDone) return { reason: 'header-cut-short', header: 'pcap file header', have: this.carryLen, need: PCAP_FILE_HEADER_LEN };
    if (!this.carryHasLen) return { reason: 'header-cut-short', header: 'record header', have: this.carryLen, need: PCAP_RECORD_HEADER_LEN };
    return { reason: 'record-cut-short', capLen: this.capLen, left: this.carryLen - PCAP_RECORD_HEADER_LEN };
  }

  /**
   * Hot path: delivers every whole record in `buf[off .. end)` in place and returns the offset
   * of the first one that is not whole. Nothing is allocated.
   */
  protected walk(buf: Buffer, off: number, end: number, base: number): number {
    const view = viewOf(buf);
    while (end - off >= PCAP_RECORD_HEADER_LEN) {
      // The 16 header bytes are present (loop condition).
      this.readRecordHeader(view, off, base + off);
      const next = off + PCAP_RECORD_HEADER_LEN + this.capLen;
      if (next > end) {
        this.carryHasLen = true;
        return off;
      }
      this.deliver(buf, view, off);
      off = next;
    }
    this.carryHasLen = false;
    return off;
  }

  /** A record header is fixed-size; once read, the record's length follows from its caplen. */
  protected pendingNeed(): number {
    return this.carryHasLen ? PCAP_RECORD_HEADER_LEN + this.capLen : PCAP_RECORD_HEADER_LEN;
  }

  /** 16 bytes are always the whole record header, so its length is known at once. */
  protected readCarriedHeader(carry: Buffer): boolean {
    this.readRecordHeader(viewOf(carry), 0, this.carryStart);
    return true;
  }

  /** The file header is the first unit carried; every later one is a record. */
  protected handleCarried(carry: Buffer): void {
    if (!this.headerDone) this.readFileHeader(carry);
    else this.deliver(carry, viewOf(carry), 0);
  }

  /** The 24-byte file header at buf[0 ..); the caller checked that it is all there. */
  private readFileHeader(buf: Buffer): void {
    const view = viewOf(buf);
    const magic = view.getUint32(0);
    switch (magic) {
      case PCAP_MAGIC.USEC_BE:
      case PCAP_MAGIC.NSEC_BE:
        this.le = false;
        break;
      case PCAP_MAGIC.USEC_LE:
      case PCAP_MAGIC.NSEC_LE:
        this.le = true;
        break;
      default:
        this.fail(0, { reason: 'pcap-bad-magic', magic });
    }
    this.unit = magic === PCAP_MAGIC.NSEC_BE || magic === PCAP_MAGIC.NSEC_LE ? TS_UNIT_NSEC : TS_UNIT_USEC;
    const major = view.getUint16(4, this.le);
    const minor = view.getUint16(6, this.le);
    // tcpdump (libpcap) refuses 1.x ("archaic") and 2.5+ (Wireshark reads 2.5 on; we follow tcpdump).
    if (major !== PCAP_VERSION_MAJOR || minor > PCAP_VERSION_MINOR_MAX) {
      this.fail(0, { reason: 'pcap-version', major, minor });
    }
    this.lengthOrder = minor < 3 ? LENGTH_ORDER.SWAPPED : minor === 3 ? LENGTH_ORDER.MAYBE_SWAPPED : LENGTH_ORDER.IN_ORDER;
    // thiszone (8), sigfigs (12) and snaplen (16) are not needed: libpcap ignores the first
    // two, and a record's caplen, not the snaplen, says how many bytes follow it.
    const linkTypeField = view.getUint32(20, this.le);
    if ((linkTypeField & LINKTYPE_RESERVED_MASK) !== 0) {
      this.fail(20, { reason: 'pcap-link-type-reserved', field: linkTypeField });
    }
    this.linkType = linkTypeField & LINKTYPE_MASK;
    this.linkTypes.push(this.linkType);
    this.maxCapLen = maxCapLenFor(this.linkType);
    this.headerDone = true;
  }

  /** Reads and checks the lengths of the record header at view[off .. off + 16), all present. */
  private readRecordHeader(view: DataView, off: number, at: number): void {
    let capLen = view.getUint32(off + 8, this.le);
    let origLen = view.getUint32(off + 12, this.le);
    const order = this.lengthOrder;
    if (order !== LENGTH_ORDER.IN_ORDER && (order === LENGTH_ORDER.SWAPPED || capLen > origLen)) {
      const t = capLen;
      capLen = origLen;
      origLen = t;
    }
    if (capLen > this.maxCapLen) {
      this.fail(at, { reason: 'record-too-long', capLen, max: this.maxCapLen, linkType: this.linkType });
    }
    this.capLen = capLen;
    this.origLen = origLen;
  }

  /** Hands the record at buf[off ..) (header read, data all present; `view` is viewOf(buf)) to the sink. */
  private deliver(buf: Buffer, view: DataView, off: number): void {
    const frame = this.frame;
    secFracToTime(view.getUint32(off, this.le), view.getUint32(off + 4, this.le), this.unit, frame);
    frame.buf = buf;
    frame.off = off + PCAP_RECORD_HEADER_LEN;
    frame.capLen = this.capLen;
    frame.origLen = this.origLen;
    frame.linkType = this.linkType;
    frame.ifIndex = 0;
    this.frames++;
    this.sink(frame);
  }
}

/** A parser for one classic pcap stream named `name` (used in errors). */
export function createPcapParser(name: string, sink: FrameSink): PcapParser {
  return new PcapParser(name, sink);
}
