import { describe, expect, test } from 'vitest';
import { L4 } from '../../src/decode/decoded-frame';
import { decodeIpPayload, IPPROTO } from '../../src/decode/ip-proto';
import { echo, run, tcp, udp } from './build';

function dispatch(proto: number, payload: Buffer) {
  return run(decodeIpPayload, payload, payload.length, (out) => {
    out.ipProto = proto;
  });
}

describe('decodeIpPayload', () => {
  test.each([
    ['ICMP', IPPROTO.ICMP, echo(8, 1, 1), L4.ICMP],
    ['TCP', IPPROTO.TCP, tcp(1, 2, 0x02), L4.TCP],
    ['UDP', IPPROTO.UDP, udp(1, 2), L4.UDP],
    ['ICMPv6', IPPROTO.ICMPV6, echo(128, 1, 1), L4.ICMPV6],
  ])('protocol %s goes to its decoder', (_name, proto, payload, l4) => {
    expect(dispatch(proto, payload).out).toMatchObject({ reason: -1, l4 });
  });

  test('a protocol with no decoder ends decoding cleanly at the payload', () => {
    const { next, out } = dispatch(132, Buffer.from([0, 0, 0, 0])); // SCTP
    expect(next).toBe(0);
    expect(out).toMatchObject({ reason: -1, l4: L4.NONE });
  });
});
