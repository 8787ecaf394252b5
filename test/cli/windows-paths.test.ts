// Windows paths (drive letters, backslashes, spaces) in arguments and error lines, and a read path with nothing POSIX-only on it.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-run';
import { FIXTURES, ROOT } from '../repo';

// On Linux a backslash is an ordinary file-name character: a file named like a Windows path stands in for one.
const dir = mkdtempSync(join(tmpdir(), 'netgap-winpath-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Windows paths', () => {
  it('names a missing file with its drive letter and backslashes as given, in one line, exit 2', () => {
    const name = 'C:\\captures\\Hyper-V host\\trace.pcapng';
    expect(win32.isAbsolute(name)).toBe(true);
    const r = runCli(['read', name]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`netgap: ${name}: byte 0: cannot open: no such file\n`);
  });

  it('reads a file named by a Windows-style relative path, and names it as given at the damage', () => {
    const name = 'D:\\Traces\\cut.pcap';
    writeFileSync(join(dir, name), readFileSync(join(FIXTURES, 'xp-600s.pcap')).subarray(0, 3000));
    copyFileSync(join(FIXTURES, 'xp-600s.pcap'), join(dir, 'E:\\whole.pcap'));
    const whole = runCli(['read', '--json', join(dir, 'E:\\whole.pcap')]);
    expect(whole.status).toBe(0);
    const cut = runCli(['read', join(dir, name)]);
    expect(cut.status).toBe(2);
    expect(cut.stderr.trim().split('\n')).toStrictEqual([`netgap: ${join(dir, name)}: byte 2970: record claims 81 bytes, only 14 left`]);
  });

  it('keeps the read path free of POSIX-only things: /dev/stdin only behind a Linux check, signals only SIGINT/SIGTERM', () => {
    const src = (f: string): string => readFileSync(join(ROOT, 'src', f), 'utf8');
    expect(src('capture/file/readers.ts')).toMatch(/process\.platform === 'linux' && fstatSync\(0\)\.isFIFO\(\)/);
    for (const f of ['cli/read.ts', 'cli/main.ts', 'capture/file/source.ts', 'capture/file/readers.ts', 'pipeline.ts']) {
      expect(src(f), f).not.toMatch(/'\/sys\/|SIGHUP|SIGUSR|SIGQUIT|SIGPIPE'|\/dev\/(?!stdin)/);
    }
  });
});
