// pcapng IDB and ISB options (draft-ietf-opsawg-pcapng §4.2, §4.6): the rare blocks' option walks, apart from the packet path.

import { U32_SPAN } from '../../bytes';
import type { InputProblem } from '../input-error';
import type { TsUnit } from '../timestamp';
import { TS_UNIT_USEC, tsUnitFromResol } from '../timestamp';
import { IF_NAME, IF_TSOFFSET, IF_TSRESOL, ISB_IFDROP, ISB_IFRECV, ISB_OSDROP, OPTION_HEADER_LEN, OPT_ENDOFOPT } from './pcapng-format';

/**
 * One Interface Statistics Block (§4.6): the capture's own counters for an interface, as its
 * writer read them (dumpcap: libpcap's pcap_stats plus its own drops) at `tsSec`/`tsNsec`.
 * A counter the block does not carry is -1.
 */
export interface InterfaceStatistics {
  /** Frame.ifIndex of the interface the counters are for. */
  readonly ifIndex: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  /** isb_ifrecv: packets received from the interface since the capture started. */
  readonly ifRecv: number;
  /** isb_ifdrop: packets dropped for lack of room (in the kernel's buffer, or the writer's own). */
  readonly ifDrop: number;
  /** isb_osdrop: packets the operating system dropped. */
  readonly osDrop: number;
}

/** A signed 64-bit integer as a double: exact while |value| < 2^53. */
function i64(view: DataView, off: number, le: boolean): number {
  return view.getInt32(le ? off + 4 : off, le) * U32_SPAN + view.getUint32(le ? off : off + 4, le);
}

/** An unsigned 64-bit integer as a double: exact while value < 2^53. */
function u64(view: DataView, off: number, le: boolean): number {
  return view.getUint32(le ? off + 4 : off, le) * U32_SPAN + view.getUint32(le ? off : off + 4, le);
}

/** What an IDB's options say about its interface; each field has its default when the option is absent. */
export interface InterfaceOptions {
  unit: TsUnit;
  /** if_tsoffset: whole seconds added to every timestamp of the interface. */
  offsetSec: number;
  /** if_name, '' when the IDB has none. */
  name: string;
}

/** The IDB options in `buf[o .. optEnd)` (`view` is viewOf(buf)); `fail` throws for an option that overruns the block. */
export function readInterfaceOptions(
  buf: Buffer,
  view: DataView,
  o: number,
  optEnd: number,
  le: boolean,
  fail: (problem: InputProblem) => never,
): InterfaceOptions {
  let unit = TS_UNIT_USEC; // if_tsresol absent: microseconds
  let offsetSec = 0;
  let name = '';
  while (optEnd - o >= OPTION_HEADER_LEN) {
    const code = view.getUint16(o, le);
    const optLen = view.getUint16(o + 2, le);
    if (code === OPT_ENDOFOPT) break;
    const room = optEnd - o - OPTION_HEADER_LEN;
    if (optLen > room) {
      fail({ reason: 'option-beyond-block', code, optLen, room });
    }
    // The option's value lies in [o + 4, o + 4 + optLen), inside the block (checked above).
    if (code === IF_TSRESOL && optLen >= 1) unit = tsUnitFromResol(buf[o + OPTION_HEADER_LEN]!);
    else if (code === IF_TSOFFSET && optLen >= 8) offsetSec = i64(view, o + OPTION_HEADER_LEN, le);
    else if (code === IF_NAME) name = buf.toString('utf8', o + OPTION_HEADER_LEN, o + OPTION_HEADER_LEN + optLen).replace(/\0+$/, '');
    o += OPTION_HEADER_LEN + ((optLen + 3) & ~3); // values are padded to 32 bits
  }
  return { unit, offsetSec, name };
}

/** The ISB counters netgap uses, -1 when absent. */
export interface StatisticsCounters {
  ifRecv: number;
  ifDrop: number;
  osDrop: number;
}

/** The ISB options in `view[o .. optEnd)`; `fail` throws for an option that overruns the block. */
export function readStatisticsOptions(view: DataView, o: number, optEnd: number, le: boolean, fail: (problem: InputProblem) => never): StatisticsCounters {
  let ifRecv = -1;
  let ifDrop = -1;
  let osDrop = -1;
  while (optEnd - o >= OPTION_HEADER_LEN) {
    const code = view.getUint16(o, le);
    const optLen = view.getUint16(o + 2, le);
    if (code === OPT_ENDOFOPT) break;
    const room = optEnd - o - OPTION_HEADER_LEN;
    if (optLen > room) fail({ reason: 'option-beyond-block', code, optLen, room });
    if (optLen === 8) {
      // A u64 counter: exact below 2^53, which no packet count reaches.
      const value = u64(view, o + OPTION_HEADER_LEN, le);
      if (code === ISB_IFRECV) ifRecv = value;
      else if (code === ISB_IFDROP) ifDrop = value;
      else if (code === ISB_OSDROP) osDrop = value;
    }
    o += OPTION_HEADER_LEN + ((optLen + 3) & ~3);
  }
  return { ifRecv, ifDrop, osDrop };
}
