// The dashboard's text pieces: short durations and counts, fitted cells, the ARP-age bar, the interval strip, tag safety.

import { describe, expect, it } from 'vitest';
import { ageBar, ageColour, fit, intervalStrip, median, safe, shortCount, shortDuration, wrap } from '../../../src/output/dashboard/format';

describe('shortDuration', () => {
  it('says any duration in at most 4 characters, in the largest unit that keeps it readable', () => {
    expect([0, 1.24, 9.94, 9.96, 240, 603.1, 999.4, 1000, 5940, 5970, 7200, 86400 * 5].map(shortDuration)).toStrictEqual([
      '0.0s',
      '1.2s',
      '9.9s',
      '10s',
      '240s',
      '603s',
      '999s',
      '17m',
      '99m',
      '2h',
      '2h',
      '5d',
    ]);
    for (const s of [0.05, 9.5, 99.9, 999, 5999, 359_999, 1e9]) expect(shortDuration(s).length).toBeLessThanOrEqual(4);
  });

  it('shows a dash for what is not a duration', () => {
    expect([null, Infinity, NaN, -1].map(shortDuration)).toStrictEqual(['-', '-', '-', '-']);
  });
});

it('says counts in at most 4 characters', () => {
  expect([0, 9999, 10_000, 123_456, 999_499, 2_500_000].map(shortCount)).toStrictEqual(['0', '9999', '10k', '123k', '999k', '3M']);
});

it('fits text to a width: padded, right-aligned on request, a cut marked with ~', () => {
  expect(fit('ok', 5)).toBe('ok   ');
  expect(fit('42', 5, 'right')).toBe('   42');
  expect(fit('expired', 5)).toBe('expi~');
  expect(fit('x', 0)).toBe('');
});

describe('the ARP-age bar', () => {
  it("is green below the warning age, yellow from it up to the threshold, red only past it (the detector's > 300 s)", () => {
    expect([0, 239.9, 240, 300, 300.001, Infinity].map((a) => ageColour(a, 240, 300))).toStrictEqual(['green', 'green', 'yellow', 'yellow', 'red', 'red']);
  });

  it('fills toward the threshold in eighths of a cell and is full from the threshold on', () => {
    expect(ageBar(0, 240, 300, 5)).toBe('{green-fg}{/green-fg}{gray-fg}░░░░░{/gray-fg}');
    expect(ageBar(150, 240, 300, 5)).toBe('{green-fg}██▌{/green-fg}{gray-fg}░░{/gray-fg}');
    expect(ageBar(270, 240, 300, 5)).toBe('{yellow-fg}████▌{/yellow-fg}{gray-fg}{/gray-fg}');
    expect(ageBar(603, 240, 300, 5)).toBe('{red-fg}█████{/red-fg}{gray-fg}{/gray-fg}');
  });
});

it('takes the median of the intervals (the mean of the middle two for an even count)', () => {
  expect(median([])).toBeNull();
  expect(median([600, 20, 40])).toBe(40);
  expect(median([10, 40, 20, 30])).toBe(25);
});

describe('the interval strip', () => {
  it('draws one column per interval, coloured like the bar, with the threshold line where no column reaches', () => {
    const s = intervalStrip([30, 600, 45], 240, 300, 4);
    expect(s.topS).toBe(600);
    expect(s.thresholdRow).toBe(2);
    expect(s.rows).toHaveLength(4);
    // 600 s fills its column to the top, in red; 30 s and 45 s stay low, in green.
    expect(s.rows[0]).toBe(' {red-fg}█{/red-fg} ');
    expect(s.rows[2]).toBe('{gray-fg}-{/gray-fg}{red-fg}█{/red-fg}{gray-fg}-{/gray-fg}');
    expect(s.rows[3]).toBe('{green-fg}▂{/green-fg}{red-fg}█{/red-fg}{green-fg}▂{/green-fg}');
  });

  it('keeps the threshold at three quarters of the height when every gap is short', () => {
    const s = intervalStrip([30, 20], 240, 300, 8, 2);
    expect(s.topS).toBe(400);
    expect(s.thresholdRow).toBe(2);
    expect(s.rows[2]).toBe('{gray-fg}--{/gray-fg}{gray-fg}--{/gray-fg}');
  });
});

it('makes text safe for tagged boxes: braces cannot open a tag, control characters are escaped', () => {
  expect(safe('{red-fg}x{/red-fg}\u001b[2J')).toBe('{open}red-fg{close}x{open}/red-fg{close}\\x1b[2J');
});

describe('wrap', () => {
  it('breaks at spaces, and a registry path too long for a line after a backslash, never inside a name', () => {
    const key = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters';
    const lines = wrap(`Set ArpCacheLife under ${key} to 240.`, 30);
    expect(lines).toStrictEqual(['Set ArpCacheLife under', 'HKLM\\SYSTEM\\CurrentControlSet\\', 'Services\\Tcpip\\Parameters to', '240.']);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
  });

  it('cuts a word with no separator at the width', () => {
    expect(wrap('abcdefghij', 4)).toStrictEqual(['abcd', 'efgh', 'ij']);
  });
});

it('draws a silent station grey, not in the red of an expiry, however old its ARP', () => {
  expect(ageBar(653, 240, 300, 5, true)).toBe('{gray-fg}█████{/gray-fg}{gray-fg}{/gray-fg}');
  expect(ageBar(653, 240, 300, 5)).toContain('{red-fg}');
});
