// End to end in a real terminal: `npm start`'s replay runs in tmux, the screen is read with capture-pane, q restores the terminal.

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.log('skipped: the dashboard end-to-end test needs tmux (apt-get install tmux)');

/** A private tmux server, so that nothing of the user's is touched. */
const SOCKET = `netgap-test-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-t', 'dash').replace(/\n$/, '');
/** tmux's own view of the pane: alternate screen on, cursor shown. */
const modes = (): string => tmux('display-message', '-p', '-t', 'dash', '#{alternate_on} #{cursor_flag}').trim();

async function until(what: string, test: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen:\n${screen()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `npm start`'s command after its build step, at full speed so that the test does not wait for the replay. */
function startCommand(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const run = pkg.scripts.start!.split(' && ').at(-1)!;
  expect(run).toMatch(/^node dist\/cli\/main\.js read fixtures\/hyperv-mix\.pcap --tui --speed \d+$/);
  return run.replace(/--speed \d+$/, '--speed 0');
}

describe.skipIf(!hasTmux)('the dashboard in tmux', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('replays the bundled capture, shows who is in trouble, and q leaves the terminal as it found it', { timeout: 60_000 }, async () => {
    tmux('new-session', '-d', '-s', 'dash', '-x', '80', '-y', '24', '-c', ROOT, 'sh');
    tmux('set-option', '-t', 'dash', 'remain-on-exit', 'on');
    tmux('send-keys', '-t', 'dash', `LANG=C.UTF-8 ${startCommand()}; echo "exit=$?"`, 'Enter');

    await until('the end of the replay', () => screen().split('\n')[0]!.endsWith('ENDED'));
    expect(modes()).toBe('1 0');
    const lines = screen().split('\n');
    expect(lines[0]).toMatch(/^netgap hyperv-mix\S* +08:10:57Z .* 4 CRIT 7 WARN 6 INFO {2}ENDED$/);
    expect(lines[1]).toMatch(/STATIONS {2}9 {2}sort ARP age/);
    expect(lines.find((l) => l.startsWith('00:15:5d:01:00:12'))).toMatch(/^00:15:5d:01:00:12 Hyper-V 198\.51\.100\.12 +- 649s █████ +6 +1\.9s +2\.0s expired$/);
    expect(screen()).toContain('CRIT inbound-blackout 00:15:5d:01:00:43');
    expect(lines.at(-1)).toMatch(/\? help {2}q quit/);

    tmux('send-keys', '-t', 'dash', '?');
    await until('the help', () => screen().includes('HELP'));
    tmux('send-keys', '-t', 'dash', 'Escape');
    await until('the help to close', () => !screen().includes('HELP'));

    tmux('send-keys', '-t', 'dash', 'q');
    await until('the shell again', () => screen().includes('exit=0'));
    // The alternate screen is left and the cursor shown again: the shell's screen is back as it was.
    expect(modes()).toBe('0 1');
    expect(screen()).toMatch(/echo "exit=\$\?"\nexit=0\n/);
    expect(screen()).not.toContain('STATIONS');
  });
});
