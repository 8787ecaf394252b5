// ARP (RFC 826) and RARP (RFC 903), which shares the layout: fixed 8 octets, then four addresses.

import { U32_SPAN } from '../bytes';
import type { DecodedFrame } from './decoded-frame';
import { stop } from './decoded-frame';

/** hrd (2), pro (2), hln (1), pln (1), op (2); the addresses follow. */
export const ARP_FIXED_LEN = 8;
/** Octet offsets of the fixed fields. */
const ARP_HRD = 0;
const ARP_PRO = 2;
const ARP_HLN = 4;
const ARP_PLN = 5;
const ARP_OP = 6;
/** Hardware types whose addresses are 6-byte MACs (IANA ARP parameters). */
export const ARP_HRD_ETHERNET = 1;
export const ARP_HRD_IEEE802 = 6;
/** The protocol type of IPv4 is its EtherType. */
export const ARP_PRO_IPV4 = 0x0800;
const MAC_LEN = 6;
const IPV4_ADDR_LEN = 4;

/** EtherType 0x0806. */
export function decodeArp(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  return decodeArpPacket(buf, off, end, out, false);
}

/** EtherType 0x8035: the same packet, flagged `isRarp`. */
export function decodeRarp(buf: Buffer, off: number, end: number, out: DecodedFrame): number {
  return decodeArpPacket(buf, off, end, out, true);
}

function decodeArpPacket(buf: Buffer, off: number, end: number, out: DecodedFrame, rarp: boolean): number {
  if (end - off < ARP_FIXED_LEN) return stop(out, 'truncated-arp');
  // The fixed-field reads lie inside [off, off + ARP_FIXED_LEN), checked just above.
  const hrd = out.view.getUint16(off + ARP_HRD);
  const pro = out.view.getUint16(off + ARP_PRO);
  const hln = buf[off + ARP_HLN]!;
  const pln = buf[off + ARP_PLN]!;
  out.isArp = true;
  out.isRarp = rarp;
  out.arpHtype = hrd;
  out.arpPtype = pro;
  out.arpHlen = hln;
  out.arpPlen = pln;
  out.arpOp = out.view.getUint16(off + ARP_OP);
  // A length that contradicts its own type (Zeek's "corrupt-arp-header"): the address layout
  // cannot be trusted, so no address is read.
  if (((hrd === ARP_HRD_ETHERNET || hrd === ARP_HRD_IEEE802) && hln !== MAC_LEN) || (pro === ARP_PRO_IPV4 && pln !== IPV4_ADDR_LEN)) {
    return stop(out, 'arp-bad-length');
  }
  // Plain numbers: at most off + 8 + 2 * 255 + 2 * 255, nothing wraps (gopacket sums a uint8).
  const shaOff = off + ARP_FIXED_LEN;
  const spaOff = shaOff + hln;
  const thaOff = spaOff + pln;
  const tpaOff = thaOff + hln;
  const arpEnd = tpaOff + pln;
  // Each address is kept when it was captured whole, so a snaplen-cut ARP still names its
  // sender (etherparse's LaxSlicedPacket); each read lies inside the range its `if` checks
  // (with pro IPv4, pln is 4: checked above).
  if (spaOff <= end) {
    out.arpShaOff = shaOff;
    if (hln === MAC_LEN) out.arpSha = out.view.getUint16(shaOff) * U32_SPAN + out.view.getUint32(shaOff + 2);
  }
  if (thaOff <= end) {
    out.arpSpaOff = spaOff;
    if (pro === ARP_PRO_IPV4) out.arpSpa = out.view.getUint32(spaOff);
  }
  if (tpaOff <= end) {
    out.arpThaOff = thaOff;
    if (hln === MAC_LEN) out.arpTha = out.view.getUint16(thaOff) * U32_SPAN + out.view.getUint32(thaOff + 2);
  }
  if (arpEnd > end) return stop(out, 'truncated-arp');
  out.arpTpaOff = tpaOff;
  if (pro === ARP_PRO_IPV4) out.arpTpa = out.view.getUint32(tpaOff);
  return arpEnd;
}
