import { describe, expect, it } from 'vitest';
import type { TimeOut, TsUnit } from '../../src/capture/timestamp';
import { TS_UNIT_NSEC, TS_UNIT_USEC, secFracToTime, ticksToTime, tsUnitFromResol } from '../../src/capture/timestamp';

function ticks(unit: TsUnit, t: bigint, offsetSec = 0): [number, number] {
  const out: TimeOut = { tsSec: NaN, tsNsec: NaN };
  ticksToTime(Number(t >> 32n), Number(t & 0xffffffffn), unit, offsetSec, out);
  return [out.tsSec, out.tsNsec];
}

/** The exact answer, in BigInt: floor division, sub-ns remainders truncated. */
function reference(unit: TsUnit, t: bigint): [bigint, bigint] {
  const perSec = BigInt(unit.base) ** BigInt(unit.exp);
  return [t / perSec, ((t % perSec) * 1_000_000_000n) / perSec];
}

/** Deterministic 64-bit values (xorshift64*), so that a failure can be replayed. */
function* random64(seed: bigint, n: number): Generator<bigint> {
  let x = seed;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < n; i++) {
    x ^= x >> 12n;
    x ^= (x << 25n) & mask;
    x ^= x >> 27n;
    yield (x * 2685821657736338717n) & mask;
  }
}

const EDGE_TICKS = [0n, 1n, 999_999n, 1_000_000n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 52n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];

describe('timestamps', () => {
  it('converts µs ticks exactly', () => {
    expect(ticks(TS_UNIT_USEC, 1_700_000_000_123_456n)).toEqual([1700000000, 123456000]);
    expect(ticks(TS_UNIT_USEC, 999_999n)).toEqual([0, 999999000]);
  });

  it('converts ns ticks past 2^53 exactly to the nanosecond, without BigInt', () => {
    expect(ticks(TS_UNIT_NSEC, 1_700_000_000_123_456_789n)).toEqual([1700000000, 123456789]);
    expect(ticks(TS_UNIT_NSEC, 1_700_000_000_999_999_999n)).toEqual([1700000000, 999999999]);
    expect(ticks(TS_UNIT_NSEC, 2n ** 64n - 1n)).toEqual([18446744073, 709551615]);
  });

  it('reads if_tsresol: a power of 10, or of 2 when the high bit is set', () => {
    expect(tsUnitFromResol(6)).toMatchObject({ base: 10, exp: 6, perSec: 1e6 });
    expect(tsUnitFromResol(9)).toMatchObject({ base: 10, exp: 9, perSec: 1e9 });
    expect(tsUnitFromResol(0x8a)).toMatchObject({ base: 2, exp: 10, perSec: 1024 });
    expect(tsUnitFromResol(0)).toMatchObject({ base: 10, exp: 0, perSec: 1 });
  });

  it('converts 2^-10 s ticks, truncating below the nanosecond as Wireshark does', () => {
    const unit = tsUnitFromResol(0x8a);
    expect(ticks(unit, 1024n * 1_700_000_000n + 1n)).toEqual([1700000000, 976562]); // 976562.5 ns
    expect(ticks(unit, 1023n)).toEqual([0, 999023437]);
  });

  it('matches exact BigInt arithmetic for every unit up to 2^32 ticks/s, on edge and random counts', () => {
    const units = [...Array.from({ length: 10 }, (_, e) => tsUnitFromResol(e)), ...Array.from({ length: 33 }, (_, e) => tsUnitFromResol(0x80 | e))];
    const counts = [...EDGE_TICKS, ...random64(0x9e3779b97f4a7c15n, 300)];
    for (const unit of units) {
      expect(unit.perSecBig).toBeNull(); // all on the fast path
      for (const t of counts) {
        const [sec, nsec] = reference(unit, t);
        const got = ticks(unit, t);
        expect(got[1], `${unit.base}^-${unit.exp} ${t}`).toBe(Number(nsec));
        // Seconds are exact below 2^53; beyond, the nearest double (only a corrupt clock).
        if (sec <= BigInt(Number.MAX_SAFE_INTEGER)) expect(got[0], `${unit.base}^-${unit.exp} ${t}`).toBe(Number(sec));
        else expect(Math.abs(got[0] - Number(sec)) / Number(sec)).toBeLessThan(2 ** -50);
      }
    }
  });

  it('takes the BigInt path only for units finer than 2^-32 s, and is exact there too', () => {
    const pico = tsUnitFromResol(12);
    expect(pico.perSec).toBe(0);
    expect(pico.perSecBig).toBe(10n ** 12n);
    expect(ticks(pico, 1_700_000_000_123_456_789_999n & (2n ** 64n - 1n))).toEqual(
      reference(pico, 1_700_000_000_123_456_789_999n & (2n ** 64n - 1n)).map(Number),
    );
    expect(ticks(pico, 12_345_678_999n)).toEqual([0, 12345678]); // 12.345678999 ms, truncated
    for (const resol of [10, 19, 0x80 | 33, 0x80 | 40, 0x80 | 63, 0x80 | 127]) {
      const unit = tsUnitFromResol(resol);
      for (const t of [...EDGE_TICKS, ...random64(0x1234n, 50)]) expect(ticks(unit, t)).toEqual(reference(unit, t).map(Number));
    }
  });

  it('adds if_tsoffset seconds, negative ones too, leaving the nanoseconds in 0..999999999', () => {
    expect(ticks(TS_UNIT_USEC, 1_500_000n, 1_700_000_000)).toEqual([1700000001, 500000000]);
    expect(ticks(TS_UNIT_USEC, 500_000n, -10)).toEqual([-10, 500000000]); // -9.5 s
    expect(ticks(TS_UNIT_NSEC, 2n ** 60n, -1_000_000_000)).toEqual([152921504, 606846976]);
    expect(ticks(tsUnitFromResol(12), 10n ** 12n, -1)).toEqual([0, 0]);
  });

  it('joins a pcap second and fraction, carrying a fraction of a second or more', () => {
    const out: TimeOut = { tsSec: 0, tsNsec: 0 };
    secFracToTime(1418145369, 999_999_999, TS_UNIT_NSEC, out);
    expect(out).toEqual({ tsSec: 1418145369, tsNsec: 999999999 });
    // tcpdump's timestamp_invalid_nano.pcap: ns fields 1e9 and 2^31.
    secFracToTime(1418145370, 1_000_000_000, TS_UNIT_NSEC, out);
    expect(out).toEqual({ tsSec: 1418145371, tsNsec: 0 });
    secFracToTime(1418145370, 2 ** 31, TS_UNIT_NSEC, out);
    expect(out).toEqual({ tsSec: 1418145372, tsNsec: 147483648 });
    secFracToTime(4294967295, 4294967295, TS_UNIT_USEC, out); // both fields at their maximum
    expect(out).toEqual({ tsSec: 4294967295 + 4294, tsNsec: 967295000 });
  });
});
