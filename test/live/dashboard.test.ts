// `netgap live` on a terminal opens the dashboard (in tmux, inside the namespace lab); q restores the terminal and prints the summary.

import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, HOST_A, Lab, labSkipReason, sleep, toolMissing } from './lab';

const skip = labSkipReason() ?? toolMissing('tmux', 'ping');
if (skip !== null) console.log(`live dashboard test skipped: ${skip}`);

/** A private tmux server, so that nothing of the user's is touched. */
const SOCKET = `netgap-live-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-t', 'live');

async function until(what: string, test: (s: string) => boolean, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = screen();
    if (test(s)) return s;
    if (Date.now() > end) throw new Error(`screen never showed ${what}:\n${s}`);
    await sleep(200);
  }
}

describe.skipIf(skip !== null)('netgap live on a terminal', () => {
  let lab: Lab | undefined;
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
    lab?.destroy();
  });

  it('opens the dashboard, shows the stations it learns, and prints the summary after q', { timeout: 60_000 }, async () => {
    lab = new Lab('tui');
    tmux('new-session', '-d', '-s', 'live', '-x', '100', '-y', '30', 'sh');
    tmux('set-option', '-t', 'live', 'remain-on-exit', 'on');
    tmux('send-keys', '-t', 'live', `LANG=C.UTF-8 ip netns exec ${lab.sw} "${process.execPath}" "${CLI}" live -i br0; echo "exit=$?"`, 'Enter');
    await until('the live header', (s) => /netgap br0 .* live/.test(s));
    lab.run(lab.b, ['ping', '-c', '3', '-i', '0.2', HOST_A]);
    const shown = await until('a station', (s) => /STATIONS\s+[12]\b/.test(s));
    expect(shown).toContain('ALERTS');
    tmux('send-keys', '-t', 'live', 'q');
    const after = await until('the exit', (s) => s.includes('exit=0'));
    expect(after).toContain('netgap summary');
    expect(tmux('display-message', '-p', '-t', 'live', '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
  });
});
