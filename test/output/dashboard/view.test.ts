// The dashboard's layout: columns that fill 80 cells exactly, a header that fits, panel heights that add up.

import { describe, expect, it } from 'vitest';
import { columns, headerLine, layout, stationHeading } from '../../../src/output/dashboard/view';

/** Text without blessed tags. */
const plain = (tagged: string): string => tagged.replace(/\{\/?[a-z-]+\}/g, '');

describe('columns', () => {
  it('fill exactly 80 cells at 80 columns, and give extra width to IP, the state up to its longest cause, vendor, bar, then state', () => {
    expect(columns(80)).toStrictEqual({ vendor: 7, ip: 15, bar: 5, state: 7 });
    expect(stationHeading(columns(80)).length + columns(80).state - 'STATE'.length).toBe(80);
    expect(columns(100)).toStrictEqual({ vendor: 7, ip: 17, bar: 5, state: 25 });
    expect(columns(120)).toStrictEqual({ vendor: 20, ip: 17, bar: 8, state: 29 });
    expect(columns(200)).toStrictEqual({ vendor: 20, ip: 17, bar: 20, state: 97 });
    for (const w of [80, 100, 120, 200]) expect(stationHeading(columns(w)).length + columns(w).state - 'STATE'.length).toBe(w);
  });

  it('has room for the longest state with its cause at 120 columns', () => {
    expect(columns(120).state).toBeGreaterThanOrEqual('expired 99x [tcp-syn-refresh]'.length);
  });
});

it('fits the header into the width, cutting the source name first', () => {
  const h = {
    source: 'a-very-long-capture-name-from-monday.pcapng',
    clock: 1763798710.82,
    rate: 123_456,
    drops: 3,
    counts: { critical: 3, warning: 12, info: 4 },
    status: 'x20',
  };
  expect(plain(headerLine(h, 80))).toBe('netgap a-very-long-~  08:05:10Z  123k pkt/s  drops 3  3 CRIT 12 WARN 4 INFO  x20');
  expect(plain(headerLine(h, 80))).toHaveLength(80);
  expect(plain(headerLine(h, 130))).toMatch(/^netgap a-very-long-capture-name-from-monday\.pcapng +2025-11-22 08:05:10Z {2}123k pkt\/s/);
  expect(plain(headerLine(h, 130))).toHaveLength(130);
});

it("still fits 80 columns with big counts: the name netgap, an unknown drop count and the rate's unit go first", () => {
  const h = { source: 'big.pcap', clock: 1763798710.82, rate: 1_026_000, drops: null, counts: { critical: 4800, warning: 9600, info: 12_799 }, status: 'x20' };
  expect(plain(headerLine(h, 80))).toBe('netgap big.p~  08:05:10Z  1.0M pkt/s  drops -  4800 CRIT 9600 WARN 13k INFO  x20');
  expect(plain(headerLine({ ...h, status: 'INPUT ERROR' }, 80))).toBe('big.~  08:05:10Z  1.0M pkt/s  drops -  4800 CRIT 9600 WARN 13k INFO  INPUT ERROR');
  expect(plain(headerLine({ ...h, source: 'b', status: 'INPUT ERROR', counts: { critical: 4800, warning: 9600, info: 1200 } }, 68))).toBe(
    'b      08:05:10Z  1.0M/s  4800 CRIT 9600 WARN 1200 INFO  INPUT ERROR',
  );
});

it('gives the station table most rows, the log about a third of the rest, the blackouts at least one', () => {
  expect(layout(22, 0)).toStrictEqual({ stations: 12, blackouts: 1, log: 5 });
  expect(layout(22, 10)).toStrictEqual({ stations: 10, blackouts: 3, log: 5 });
  const tall = layout(58, 3);
  expect(tall.stations + tall.blackouts + tall.log + 4).toBe(58);
});
