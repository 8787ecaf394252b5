import { describe, expect, test } from 'vitest';
import { L4, TCP_FLAG } from '../../src/decode/decoded-frame';
import { decodeTcp, TCP_MIN_HLEN } from '../../src/decode/tcp';
import { expectTruncatedAtEveryLength, reasonOf, run, tcp } from './build';

/** ECN-Echo and Congestion Window Reduced (RFC 3168), the flags byte's top bits. */
const ECE = 0x40;
const CWR = 0x80;

describe('decodeTcp', () => {
  test('a header cut inside its 20 fixed octets is truncated-tcp and sets nothing else', () => {
    expectTruncatedAtEveryLength(decodeTcp, tcp(1, 2, TCP_FLAG.SYN), TCP_MIN_HLEN, 'truncated-tcp');
  });

  test.each([
    ['SYN', TCP_FLAG.SYN],
    ['SYN-ACK', TCP_FLAG.SYN | TCP_FLAG.ACK],
    ['FIN-ACK', TCP_FLAG.FIN | TCP_FLAG.ACK],
    ['RST', TCP_FLAG.RST],
    ['PSH-ACK', TCP_FLAG.PSH | TCP_FLAG.ACK],
    ['an ECN-setup SYN (ECE, CWR)', TCP_FLAG.SYN | ECE | CWR],
  ])('a %s segment gives the ports and the whole flags byte', (_name, flags) => {
    const { next, out } = run(decodeTcp, tcp(49152, 80, flags));
    expect(next).toBe(TCP_MIN_HLEN);
    expect(out).toMatchObject({ reason: -1, l4: L4.TCP, srcPort: 49152, dstPort: 80, tcpFlags: flags });
  });

  test('options are skipped by the data offset', () => {
    expect(run(decodeTcp, tcp(1, 2, TCP_FLAG.SYN, 10)).next).toBe(40);
  });

  test('a data offset below 5 is tcp-bad-offset, with no TCP facts set', () => {
    const { next, out } = run(decodeTcp, tcp(1, 2, TCP_FLAG.SYN, 4));
    expect(next).toBeLessThan(0);
    expect(reasonOf(out)).toBe('tcp-bad-offset');
    expect(out.l4).toBe(L4.NONE);
    expect(out.srcPort).toBe(-1);
  });

  test('options cut by the snaplen are truncated-tcp, with ports and flags kept', () => {
    const segment = tcp(1, 2, TCP_FLAG.SYN, 8);
    for (let len = TCP_MIN_HLEN; len < 32; len++) {
      const { next, out } = run(decodeTcp, Buffer.from(segment.subarray(0, len)));
      expect(next).toBeLessThan(0);
      expect(reasonOf(out)).toBe('truncated-tcp');
      expect(out).toMatchObject({ l4: L4.TCP, srcPort: 1, dstPort: 2, tcpFlags: TCP_FLAG.SYN });
    }
  });
});
