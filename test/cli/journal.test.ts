// Under systemd, stderr lines carry their priority into the journal (`<3>` errors, `<4>` warnings, `<6>` information), and only there.

import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isJournalStream } from '../../src/output/journal';
import { CLI } from '../cli-run';
import { FIXTURES } from '../repo';

const dir = mkdtempSync(join(tmpdir(), 'netgap-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs netgap with stderr on a file, as systemd connects it to the journal, and JOURNAL_STREAM naming `stream` (that file when 'self'). */
function withStderrFile(args: string[], stream: 'self' | 'other' | 'unset'): { status: number | null; stderr: string } {
  const file = join(dir, `stderr-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(file, 'w');
  const st = statSync(file, { bigint: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.JOURNAL_STREAM;
  if (stream === 'self') env.JOURNAL_STREAM = `${st.dev}:${st.ino}`;
  if (stream === 'other') env.JOURNAL_STREAM = `${st.dev}:${st.ino + 1n}`;
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', fd], env, timeout: 60_000 });
  closeSync(fd);
  return { status: r.status, stderr: readFileSync(file, 'utf8') };
}

describe('stderr priorities for the journal', () => {
  it('knows the journal by the device and inode systemd names, not by the variable alone', () => {
    const file = join(dir, 'probe');
    const fd = openSync(file, 'w');
    const st = statSync(file, { bigint: true });
    expect(isJournalStream({ JOURNAL_STREAM: `${st.dev}:${st.ino}` }, fd)).toBe(true);
    expect(isJournalStream({ JOURNAL_STREAM: `${st.dev}:${st.ino + 1n}` }, fd)).toBe(false);
    expect(isJournalStream({}, fd)).toBe(false);
    closeSync(fd);
  });

  it('prefixes errors with <3> on the journal, and nothing when stderr is elsewhere', () => {
    const missing = join(dir, 'missing.pcap');
    const journal = withStderrFile(['read', missing], 'self');
    expect(journal.status).toBe(2);
    expect(journal.stderr).toMatch(/^<3>netgap: .*missing\.pcap/);
    for (const stream of ['other', 'unset'] as const) expect(withStderrFile(['read', missing], stream).stderr).toMatch(/^netgap: /);

    const usage = withStderrFile(['read', '--arp-threshold', 'soon', join(FIXTURES, 'hyperv-mix.pcap')], 'self');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^<3>netgap: error: /);
  });

  it('prefixes a service warning with <4>', () => {
    const state = join(dir, 'state.json');
    const bad = openSync(state, 'w');
    closeSync(bad);
    const r = withStderrFile(['read', '--state', state, join(FIXTURES, 'hyperv-mix.pcap')], 'self');
    expect(r.status).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toEqual([expect.stringMatching(/^<4>netgap: .*state\.json/)]);
  });
});
