// Interface counters from sysfs, and the wire packets an offload-merged frame stands for.

import { describe, expect, it } from 'vitest';
import {
  hasInterfaceCounters,
  interfaceIndex,
  interfaceMtu,
  interfacePackets,
  maxWireFrame,
  oversizeWirePackets,
  packetCounters,
} from '../../../src/capture/live/counters';

/** An Ethernet frame of `len` bytes: optional 802.1Q tag, IPv4 or IPv6, TCP with a 32-byte header. */
function tcpFrame(len: number, opts: { vlan?: boolean; ipv6?: boolean } = {}): Buffer {
  const b = Buffer.alloc(len);
  let off = 12;
  if (opts.vlan === true) {
    b.writeUInt16BE(0x8100, off);
    b.writeUInt16BE(42, off + 2);
    off += 4;
  }
  b.writeUInt16BE(opts.ipv6 === true ? 0x86dd : 0x0800, off);
  const l3 = off + 2;
  let l4: number;
  if (opts.ipv6 === true) {
    b[l3] = 0x60;
    b[l3 + 6] = 6;
    l4 = l3 + 40;
  } else {
    b[l3] = 0x45;
    b[l3 + 9] = 6;
    l4 = l3 + 20;
  }
  b[l4 + 12] = 8 << 4; // data offset: 32 bytes (timestamps)
  return b;
}

describe('oversizeWirePackets', () => {
  it('counts a GRO-merged IPv4 TCP frame as the MSS-sized segments it was made of', () => {
    // 45 segments of 1448 bytes (MTU 1500 - 20 IP - 32 TCP), merged: 14 + 52 + 45 * 1448 bytes.
    expect(oversizeWirePackets(tcpFrame(14 + 52 + 45 * 1448), 14 + 52 + 45 * 1448, 1500)).toBe(45);
    expect(oversizeWirePackets(tcpFrame(14 + 52 + 44 * 1448 + 1), 14 + 52 + 44 * 1448 + 1, 1500)).toBe(45);
  });

  it('reads through a VLAN tag and IPv6', () => {
    const len = 18 + 72 + 10 * 1428;
    expect(oversizeWirePackets(tcpFrame(len, { vlan: true, ipv6: true }), len, 1500)).toBe(10);
  });

  it('falls back to length / MTU for anything it cannot read, without throwing', () => {
    expect(oversizeWirePackets(Buffer.alloc(9000), 9000, 1500)).toBe(6);
    expect(oversizeWirePackets(Buffer.alloc(10), 10, 1500)).toBe(1);
    const cut = tcpFrame(20, { vlan: true });
    expect(oversizeWirePackets(cut, cut.length, 1500)).toBe(1);
  });

  it('takes a frame longer than MTU + header + two tags + FCS as oversize', () => {
    expect(maxWireFrame(1500)).toBe(1526);
  });
});

describe.skipIf(!hasInterfaceCounters())('interface counters (Linux sysfs)', () => {
  it('reads the loopback interface', () => {
    expect(interfaceIndex('lo')).toBe(1);
    expect(interfacePackets('lo')).toBeGreaterThanOrEqual(0);
    expect(interfaceMtu('lo')).toBeGreaterThan(0);
  });

  it('answers -1 for an interface that does not exist, or a name that is not one', () => {
    expect(interfaceIndex('ng-nosuch0')).toBe(-1);
    expect(interfacePackets('any')).toBe(-1);
    expect(interfacePackets('../../etc')).toBe(-1);
    expect(interfaceIndex('lo/..')).toBe(-1);
    expect(packetCounters('ng-nosuch0')()).toBe(-1);
    expect(packetCounters('../../etc')()).toBe(-1);
  });

  it('reads rx + tx of the loopback interface, which counts each packet as both', () => {
    const read = packetCounters('lo');
    const rx = interfacePackets('lo'); // loopback: rx only
    const a = read();
    expect(a).toBeGreaterThanOrEqual(2 * rx);
    expect(read()).toBeGreaterThanOrEqual(a);
  });
});
