// IEEE 802.1Q VLAN tag, also as 802.1ad / legacy 0x9100 QinQ stacks of any depth up to a cap.

import type { DecodedFrame } from './decoded-frame';
import { stop } from './decoded-frame';

/** Tag Control Information (2) + the EtherType it wraps (2); the TPID was read as an EtherType. */
export const VLAN_TAG_LEN = 4;
/** The VLAN Identifier is the low 12 bits of the TCI (802.1Q §9.6). */
const VLAN_VID_MASK = 0x0fff;
/**
 * Most tags netgap follows. Real stacks are 1 (802.1Q) or 2 (QinQ), the corpus's deepest is 3;
 * past 8 a frame is garbage repeating a TPID, counted as 'vlan-too-deep' instead of walked.
 */
export const VLAN_MAX_DEPTH = 8;

/**
 * One tag at `off`, called by decodeEtherPayload while `out.etherType` is a VLAN TPID. Sets the
 * outermost VID on the first tag, the innermost from the second on, and the wrapped EtherType.
 */
export function decodeVlanTag(_buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  if (out.vlanDepth === VLAN_MAX_DEPTH) return stop(out, 'vlan-too-deep');
  if (end - off < VLAN_TAG_LEN) return stop(out, 'truncated-vlan');
  // Both reads lie inside [off, off + VLAN_TAG_LEN), checked just above.
  const vid = out.view.getUint16(off) & VLAN_VID_MASK;
  if (out.vlanDepth === 0) out.vlan = vid;
  else out.innerVlan = vid;
  out.vlanDepth++;
  out.etherType = out.view.getUint16(off + 2);
  return off + VLAN_TAG_LEN;
}
