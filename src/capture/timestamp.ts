// Capture timestamps to exact (seconds, nanoseconds): pcap's µs/ns fractions and pcapng's if_tsresol ticks (draft-ietf-opsawg-pcapng §4.2).

/**
 * Where a conversion writes its result. `Frame` is one, so the readers convert straight into
 * their reused frame and nothing is allocated per packet.
 */
export interface TimeOut {
  tsSec: number;
  tsNsec: number;
}

/**
 * The length of one timestamp tick: `base^-exp` seconds. pcapng's if_tsresol byte gives it
 * (high bit set: a power of 2, else a power of 10); classic pcap has only µs and ns.
 * Made once per interface (a rare event), read per packet.
 */
export interface TsUnit {
  readonly base: 2 | 10;
  readonly exp: number;
  /**
   * Ticks per second (`base^exp`) when that is at most 2^32, the range where the double
   * arithmetic below is exact; 0 for finer units, which take the BigInt path.
   */
  readonly perSec: number;
  /** `nsec = floor(rem * nsMul / nsDiv)` for a remainder `rem < perSec`; see `nanosOf`. */
  readonly nsMul: number;
  readonly nsDiv: number;
  /** `base^exp` as a BigInt, only for units finer than 2^-32 s (e.g. picoseconds); else null. */
  readonly perSecBig: bigint | null;
}

/** if_tsresol's high bit: the exponent is of 2, not of 10. */
const TSRESOL_POW2 = 0x80;
/** The largest tick rate the double paths handle exactly (see `ticksToTime`). */
const FAST_MAX_PER_SEC = 2 ** 32;
/** Below this high word, `hi * 2^32 + lo < 2^53` is an exact double. */
const EXACT_TICKS_HI = 2 ** 21;
/** 1e9 = 2^9 * 1953125: splitting off the power of 2 keeps `rem * 1953125` below 2^53. */
const NS_ODD_FACTOR = 1953125;
const NS_PER_S_BIG = 1_000_000_000n;

/** The tick unit an if_tsresol option byte describes (absent option: 6, i.e. µs). */
export function tsUnitFromResol(tsresol: number): TsUnit {
  const base = (tsresol & TSRESOL_POW2) !== 0 ? 2 : 10;
  const exp = tsresol & ~TSRESOL_POW2;
  const perSec = base ** exp; // exact for every unit the fast path takes (<= 2^32)
  if (perSec > FAST_MAX_PER_SEC) {
    return { base, exp, perSec: 0, nsMul: 0, nsDiv: 1, perSecBig: BigInt(base) ** BigInt(exp) };
  }
  if (base === 10) {
    // exp <= 9 here: a tick is a whole number of nanoseconds.
    return { base, exp, perSec, nsMul: 10 ** (9 - exp), nsDiv: 1, perSecBig: null };
  }
  // exp <= 32 here. rem < 2^exp <= 2^32, so rem * 1953125 < 2^52.9: exact; dividing by a
  // power of 2 is exact too, and floor() then truncates like Wireshark's integer division.
  return { base, exp, perSec, nsMul: NS_ODD_FACTOR, nsDiv: 2 ** (exp - 9), perSecBig: null };
}

export const TS_UNIT_USEC: TsUnit = tsUnitFromResol(6);
export const TS_UNIT_NSEC: TsUnit = tsUnitFromResol(9);

/*
 * Why Math.floor(a / b) is exact below: for integers 0 <= a < 2^53 and b >= 1, the rounded
 * quotient is off by at most (a / b) * 2^-53 < 1 / b, while a / b is at least 1 / b away from
 * the next integer above it; so rounding never reaches that integer and floor() is the true
 * integer quotient. Every dividend below is < 2^53, and every product q * b is <= a.
 */

/**
 * Classic pcap: whole seconds plus a fraction in `unit` ticks. A fraction of a second or more
 * (tcpdump's timestamp_invalid_nano.pcap has ns = 1e9 and 2^31) carries into the seconds, so
 * the instant is the one the record's fields add up to and tsNsec stays below 1e9.
 * Hot path: one compare and one multiply in the normal case.
 */
export function secFracToTime(sec: number, frac: number, unit: TsUnit, out: TimeOut): void {
  const perSec = unit.perSec;
  if (frac < perSec) {
    out.tsSec = sec;
    out.tsNsec = nanosOf(frac, unit);
    return;
  }
  const carry = Math.floor(frac / perSec); // frac < 2^32: exact
  out.tsSec = sec + carry;
  out.tsNsec = nanosOf(frac - carry * perSec, unit);
}

/**
 * pcapng: a 64-bit tick count given as its two unsigned 32-bit halves, plus if_tsoffset whole
 * seconds (signed). Exact to the nanosecond (sub-ns units truncate) while the seconds stay
 * below 2^53; beyond that (only a corrupt clock) tsSec is the nearest double.
 * Hot path for units up to 2^32 ticks/s: plain doubles, no BigInt.
 */
export function ticksToTime(hi: number, lo: number, unit: TsUnit, offsetSec: number, out: TimeOut): void {
  const perSec = unit.perSec;
  if (perSec === 0) {
    ticksToTimeBig(hi, lo, unit, offsetSec, out);
    return;
  }
  let sec: number;
  let rem: number;
  if (hi < EXACT_TICKS_HI) {
    // µs ticks until the year 2255 land here: the count itself is an exact double.
    const ticks = hi * 4294967296 + lo;
    sec = Math.floor(ticks / perSec);
    rem = ticks - sec * perSec;
  } else {
    // Long division in base 2^16: each partial dividend is < perSec * 2^16 <= 2^48.
    const q1 = Math.floor(hi / perSec);
    let r = hi - q1 * perSec;
    let x = r * 65536 + (lo >>> 16);
    const q2 = Math.floor(x / perSec);
    r = x - q2 * perSec;
    x = r * 65536 + (lo & 0xffff);
    const q3 = Math.floor(x / perSec);
    rem = x - q3 * perSec;
    sec = q1 * 4294967296 + q2 * 65536 + q3;
  }
  out.tsSec = sec + offsetSec;
  out.tsNsec = nanosOf(rem, unit);
}

/** Nanoseconds in `rem` ticks, rem < unit.perSec; the products stay below 2^53 (tsUnitFromResol). */
function nanosOf(rem: number, unit: TsUnit): number {
  return Math.floor((rem * unit.nsMul) / unit.nsDiv);
}

/**
 * Units finer than 2^-32 s (10^-10 and below, 2^-33 and below) need 64-bit products. They are
 * rare enough (no common writer uses them) that BigInt, out of the hot function, is fine.
 */
function ticksToTimeBig(hi: number, lo: number, unit: TsUnit, offsetSec: number, out: TimeOut): void {
  const perSec = unit.perSecBig!; // set whenever perSec is 0 (tsUnitFromResol)
  const ticks = (BigInt(hi) << 32n) | BigInt(lo);
  out.tsSec = Number(ticks / perSec) + offsetSec;
  out.tsNsec = Number(((ticks % perSec) * NS_PER_S_BIG) / perSec);
}
