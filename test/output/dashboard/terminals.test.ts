// The dashboard under the terminals users have (tmux, screen, xterm, the Linux console), read back with tmux's capture-pane -e; NO_COLOR; too small a window.

import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { colourCount, withoutColours } from '../../../src/output/dashboard/colours';
import { CLI } from '../../cli-run';
import { FIXTURES, ROOT } from '../../repo';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.log('skipped: the terminal tests need tmux (apt-get install tmux)');

/** A private tmux server, so that nothing of the user's is touched. */
const SOCKET = `netgap-terms-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
/** The pane with its attributes as SGR sequences (capture-pane -e). */
const pane = (name: string): string => tmux('capture-pane', '-e', '-p', '-t', name);
const plain = (name: string): string => tmux('capture-pane', '-p', '-t', name);

async function until(what: string, test: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts the demo replay at full speed in a new tmux window of `columns` x `rows`, with `env` set for netgap only. */
function start(name: string, columns: number, rows: number, env: string): void {
  tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), '-c', ROOT, 'sh');
  tmux(
    'send-keys',
    '-t',
    name,
    `${env} LANG=C.UTF-8 "${process.execPath}" "${CLI}" read "${FIXTURES}/hyperv-mix.pcap" --tui --speed 0; echo "exit=$?"`,
    'Enter',
  );
}

/** ESC [ params m: an SGR sequence as capture-pane -e writes it (built from the code: no control character in a literal). */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[([0-9;]*)m`, 'g');

/** Every SGR parameter list in `text`. */
function sgrs(text: string): string[] {
  return [...text.matchAll(SGR)].map((m) => m[1]!);
}

/** Every SGR parameter list tmux wrote for a line containing `needle`. */
function sgrOf(screen: string, needle: string): string[] {
  return sgrs(screen.split('\n').find((l) => l.includes(needle)) ?? '');
}

/** The SGR colour codes (30-37, 90-97, 38;5;n) in a list of parameter lists. */
function colours(sgr: readonly string[]): string[] {
  return sgr.flatMap((p) => p.split(';')).filter((c) => /^(3[0-7]|9[0-7]|38)$/.test(c));
}

describe('colourCount', () => {
  it('lifts the 8 colours blessed reads for tmux-256color, screen-256color and linux to 16 or 256, and leaves monochrome alone', () => {
    expect(colourCount('tmux-256color', 8)).toBe(256);
    expect(colourCount('screen-256color', 8)).toBe(256);
    expect(colourCount('xterm-256color', 256)).toBe(256);
    expect(colourCount('linux', 8)).toBe(16);
    expect(colourCount('vt100', 2)).toBe(2);
  });

  it('drops colour tags under NO_COLOR, keeping bold and turning the selection into inverse video', () => {
    expect(withoutColours('{blue-bg}{red-fg}{bold}x{/bold}{/red-fg}{gray-fg}y{/gray-fg}{/blue-bg}')).toBe('{inverse}{bold}x{/bold}y{/inverse}');
  });
});

describe.skipIf(!hasTmux)('the dashboard in terminals, read back with capture-pane -e', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  for (const term of ['tmux-256color', 'screen-256color', 'xterm-256color', 'linux']) {
    it(`draws grey as bright black (SGR 90), never black, under TERM=${term}`, { timeout: 60_000 }, async () => {
      const name = `t-${term.replace(/[^a-z0-9]/g, '')}`;
      start(name, 120, 30, `TERM=${term}`);
      await until('the end of the replay', () => plain(name).split('\n')[0]!.endsWith('ENDED'));
      const screen = pane(name);
      // The silent station: its state and its bar in grey, nothing in black (SGR 30) anywhere.
      const silent = colours(sgrOf(screen, '00:15:5d:01:00:13'));
      expect(silent).toContain('90');
      expect(silent).not.toContain('31');
      expect(colours(sgrs(screen))).not.toContain('30');
      // At 120 columns the expired station's row names its cause.
      expect(
        plain(name)
          .split('\n')
          .find((l) => l.startsWith('00:15:5d:01:00:12')),
      ).toMatch(/expired 1x \[[a-z-]+\]$/);
      tmux('send-keys', '-t', name, 'q');
      await until('the shell again', () => plain(name).includes('exit=0'));
    });
  }

  it('draws no colour under NO_COLOR', { timeout: 60_000 }, async () => {
    start('nocolour', 100, 30, 'TERM=tmux-256color NO_COLOR=1');
    await until('the end of the replay', () => plain('nocolour').split('\n')[0]!.endsWith('ENDED'));
    const screen = pane('nocolour');
    expect(colours(sgrs(screen))).toStrictEqual([]);
    expect(sgrs(screen)).toContain('1'); // bold stays
    tmux('send-keys', '-t', 'nocolour', 'q');
    await until('the shell again', () => plain('nocolour').includes('exit=0'));
  });

  it('below 80x24 says the size it needs, and draws the table once the window is large enough', { timeout: 60_000 }, async () => {
    start('small', 70, 20, 'TERM=tmux-256color');
    await until('the message', () => plain('small').includes('needs a terminal of at least 80x24; this one is 70x20'));
    expect(plain('small')).not.toContain('STATIONS');
    tmux('resize-window', '-t', 'small', '-x', '80', '-y', '24');
    await until('the table', () => plain('small').includes('STATIONS'));
    tmux('send-keys', '-t', 'small', 'q');
    await until('the shell again', () => plain('small').includes('exit=0'));
  });
});
