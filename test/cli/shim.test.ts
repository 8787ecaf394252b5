// The `netgap` bin as npm installs it: npm's own cmd-shim writes the Windows shims (.cmd, .ps1) and the sh one from the #! line.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../repo';

/** cmd-shim(from, to): what npm's bin-links calls for each bin on Windows (npm 10 bundles cmd-shim 8). */
const cmdShim = createRequire(__filename)('cmd-shim') as (from: string, to: string) => Promise<void>;

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const ENTRY = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.netgap!;

let prefix = '';
let bin = '';

beforeAll(async () => {
  // npm's layout: <prefix>/node_modules/netgap is the package, <prefix>/node_modules/.bin/netgap{,.cmd,.ps1} its shims.
  prefix = mkdtempSync(join(tmpdir(), 'netgap-shim-'));
  mkdirSync(join(prefix, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(ROOT, join(prefix, 'node_modules', 'netgap'), 'dir');
  bin = join(prefix, 'node_modules', '.bin');
  await cmdShim(join(prefix, 'node_modules', 'netgap', ENTRY), join(bin, 'netgap'));
});

afterAll(() => {
  if (prefix !== '') rmSync(prefix, { recursive: true, force: true });
});

/** Runs what a shim's command line names: `program` found on PATH (as cmd.exe and PowerShell would), then its arguments. */
function runAs(program: string, args: string[]): { stdout: string; status: number | null } {
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  const r = spawnSync(program, args, { encoding: 'utf8', env, timeout: 60_000 });
  return { stdout: r.stdout, status: r.status };
}

describe("npm's shims for the netgap bin", () => {
  it('netgap.cmd runs node on dist/cli/main.js with the arguments, nothing between', () => {
    const cmd = readFileSync(join(bin, 'netgap.cmd'), 'utf8');
    expect(cmd).toContain('SET "_prog=node"');
    const line = cmd.split(/\r?\n/).find((l) => l.includes('"%_prog%"'));
    expect(line).toBeDefined();
    const m = /"%_prog%"\s+"%dp0%\\([^"]+)" %\*$/.exec(line!);
    expect(m, line).not.toBeNull();
    expect(m![1]).toBe(`..\\netgap\\${ENTRY.replaceAll('/', '\\')}`);
    // %dp0% is the shim's folder; cmd.exe accepts either separator, so the same path runs here.
    const r = runAs('node', [join(bin, m![1]!.replaceAll('\\', '/')), '--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('netgap.ps1 runs node on dist/cli/main.js with the arguments, nothing between', () => {
    const ps1 = readFileSync(join(bin, 'netgap.ps1'), 'utf8');
    const calls = ps1.split(/\r?\n/).filter((l) => /^\s*(\$input \| )?& "/.test(l));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const m = /& "(?:\$basedir\/)?node\$exe"\s+"\$basedir\/([^"]+)" \$args$/.exec(call);
      expect(m, call).not.toBeNull();
      expect(m![1]).toBe(`../netgap/${ENTRY}`);
    }
    const entry = /"\$basedir\/([^"]+)" \$args$/.exec(calls[0]!)![1]!;
    const r = runAs('node', [join(bin, entry), '--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('the sh shim (Linux, macOS, Git Bash) runs', () => {
    const r = runAs('sh', [join(bin, 'netgap'), '--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });
});
