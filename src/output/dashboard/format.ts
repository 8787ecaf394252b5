// Small text pieces of the dashboard: short durations, fitted cells, the ARP-age bar and the interval strip (KB2832644's 300 s cliff).

import { escape } from 'blessed';
import { sanitize } from '../sanitize';

/**
 * Text from packets or inputs made safe for a blessed box with tags on: control characters
 * escaped (sanitize), then `{` and `}` escaped so that a hostile name cannot inject a tag.
 */
export function safe(text: string): string {
  return escape(sanitize(text));
}

/** At most 4 characters, so that a column of durations stays 5 wide at 80 columns: 9.5s, 600s, 20m, 12h, 3d. */
export function shortDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s) || s < 0) return '-';
  if (s < 9.95) return `${s.toFixed(1)}s`;
  if (s < 999.5) return `${Math.round(s)}s`;
  if (s < 99.5 * 60) return `${Math.round(s / 60)}m`;
  if (s < 99.5 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.min(999, Math.round(s / 86400))}d`;
}

/** Where a word too long for a line may break: after a path's separator (registry keys, files, URLs). */
const SEPARATORS = /[\\/]/;

/**
 * Plain text broken into lines of at most `width` characters: at spaces where it can, else after
 * a `\\` or `/` of a long word (a registry path stays readable), else in the word.
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width && width > 0) {
    const space = rest.lastIndexOf(' ', width);
    if (space > 0) {
      lines.push(rest.slice(0, space));
      rest = rest.slice(space + 1);
      continue;
    }
    let sep = -1;
    for (let i = width - 1; i > 0; i--) {
      if (SEPARATORS.test(rest[i]!)) {
        sep = i + 1;
        break;
      }
    }
    const at = sep > 0 ? sep : width;
    lines.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  lines.push(rest);
  return lines;
}

/** A count in at most 4 characters: 9999, 12k, 3M. */
export function shortCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 999_500) return `${Math.round(n / 1000)}k`;
  return `${Math.round(n / 1_000_000)}M`;
}

/** `text` cut or padded to exactly `width` characters; a cut is marked with `~`, as in the summary table. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const t = text.length > width ? text.slice(0, width - 1) + '~' : text;
  return align === 'right' ? t.padStart(width) : t.padEnd(width);
}

/** The colour of an ARP age: green below the warning age, yellow up to the threshold, red past it (strictly, as the detector). */
export type AgeColour = 'green' | 'yellow' | 'red' | 'gray';

export function ageColour(ageS: number, warnS: number, thresholdS: number): AgeColour {
  if (ageS > thresholdS) return 'red';
  return ageS >= warnS ? 'yellow' : 'green';
}

/** Left-aligned partial blocks, in eighths of a cell. */
const LEFT_EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * The bar of an ARP age toward the threshold, as tagged text `width` cells wide, in eighths of a
 * cell (5 cells give 40 steps): the filled part in the age's colour, the rest shaded grey.
 * (No `·` or box-drawing lines: blessed sends those as the terminal's ACS charset.) It is full
 * at the threshold, and red past it.
 */
export function ageBar(ageS: number, warnS: number, thresholdS: number, width: number, silent = false): string {
  if (width <= 0) return '';
  const frac = Number.isFinite(ageS) ? Math.min(1, Math.max(0, ageS / thresholdS)) : 1;
  const eighths = Math.round(frac * width * 8);
  const full = eighths >> 3;
  const part = LEFT_EIGHTHS[eighths & 7]!;
  const empty = width - full - (part === '' ? 0 : 1);
  // A silent station sent nothing since its last ARP, so nothing was at risk: grey, never the red of an expiry.
  const colour = silent ? 'gray' : ageColour(ageS, warnS, thresholdS);
  return `{${colour}-fg}${'█'.repeat(full)}${part}{/${colour}-fg}{gray-fg}${'░'.repeat(empty)}{/gray-fg}`;
}

/** Median of a list of numbers; null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

const EIGHTHS = ' ▁▂▃▄▅▆▇█';

/** A strip chart: its rows of tagged text, the value at its top, and the row the threshold line is on. */
export interface Strip {
  rows: string[];
  topS: number;
  thresholdRow: number;
}

/**
 * A strip chart of ARP intervals (oldest left), `height` rows, `colWidth` cells per interval,
 * scaled so that the threshold sits at three quarters of the height or lower; a dashed line marks
 * it. Each column is coloured as `ageColour` colours that gap, so the gaps past the cliff stand
 * out in red. The caller may append the gap still open as the last value, to watch it grow.
 */
export function intervalStrip(intervals: readonly number[], warnS: number, thresholdS: number, height: number, colWidth = 1): Strip {
  let topS = thresholdS / 0.75;
  for (const v of intervals) if (Number.isFinite(v) && v > topS) topS = v;
  const thresholdRow = Math.min(height - 1, Math.floor((1 - thresholdS / topS) * height));
  const rows: string[] = [];
  for (let r = 0; r < height; r++) {
    // Row r covers the values (lo, lo + topS / height], row 0 being the highest.
    const lo = (topS * (height - r - 1)) / height;
    let line = '';
    for (const v of intervals) {
      const eighths = Number.isFinite(v) ? Math.max(0, Math.min(8, Math.round(((v - lo) / (topS / height)) * 8))) : 8;
      if (eighths === 0) {
        line += r === thresholdRow ? `{gray-fg}${'-'.repeat(colWidth)}{/gray-fg}` : ' '.repeat(colWidth);
      } else {
        const colour = ageColour(v, warnS, thresholdS);
        line += `{${colour}-fg}${EIGHTHS[eighths]!.repeat(colWidth)}{/${colour}-fg}`;
      }
    }
    rows.push(line);
  }
  return { rows, topS, thresholdRow };
}
