// The bench's one table, as GitHub Markdown (it reads as well in a terminal and pastes into test/bench/README.md as it is).

import type { Measurement } from './measure';

export interface Row {
  /** Input file name (or a label for rows without one). */
  input: string;
  /** Frames in the input; 0 for rows without one. */
  frames: number;
  /** The command as shown. */
  command: string;
  m: Measurement;
  /** tcpdump's median on the same input, seconds, for the ratio; undefined on tcpdump's own row or without tcpdump. */
  tcpdumpS?: number;
}

const KIB_PER_MIB = 1024;

export function seconds(s: number): string {
  return s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

export function mib(kib: number): string {
  return `${Math.round(kib / KIB_PER_MIB)} MiB`;
}

function wall(m: Measurement): string {
  if (m.timedOutAfterS !== null && Number.isNaN(m.medianS)) return `> ${m.timedOutAfterS} s`;
  return m.runs > 1 ? seconds(m.medianS) : `${seconds(m.medianS)} (1 run)`;
}

function rate(r: Row): string {
  if (r.frames === 0) return '';
  if (Number.isNaN(r.m.medianS)) return `< ${(r.frames / r.m.timedOutAfterS! / 1e6).toFixed(2)}`;
  return (r.frames / r.m.medianS / 1e6).toFixed(2);
}

function ratio(r: Row): string {
  if (r.tcpdumpS === undefined || Number.isNaN(r.tcpdumpS) || Number.isNaN(r.m.medianS)) return '';
  return `${(r.m.medianS / r.tcpdumpS).toFixed(2)}x`;
}

/** One Markdown table; the input's name is written only on its first row. */
export function benchTable(rows: readonly Row[]): string[] {
  const header = ['Input', 'Frames', 'Command', 'Wall (median)', 'M frames/s', 'Peak RSS', 'Time vs tcpdump'];
  const lines = [header, header.map(() => '---')];
  let last = '';
  for (const r of rows) {
    const first = r.input !== last;
    last = r.input;
    lines.push([
      first ? `\`${r.input}\`` : '',
      first && r.frames > 0 ? `${(r.frames / 1e6).toFixed(2)}M` : '',
      `\`${r.command}\``,
      wall(r.m),
      rate(r),
      r.m.peakRssKiB === null ? 'n/a' : mib(r.m.peakRssKiB),
      ratio(r),
    ]);
  }
  // A `|` inside a cell (a pipeline's command) would end the cell: GitHub's tables take `\|`.
  return lines.map((cells) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`);
}
