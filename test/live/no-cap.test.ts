// Without a working `cap` (no libpcap at install), `read` still works and `live` says in one line what to install.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../cli-run';
import { FIXTURES } from '../repo';

// Loaded with `node -r`: makes require('cap') fail as it does when the optional build failed.
const dir = mkdtempSync(join(tmpdir(), 'netgap-nocap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const preload = join(dir, 'no-cap.js');
writeFileSync(
  preload,
  `const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'cap') throw Object.assign(new Error("Cannot find module 'cap'"), { code: 'MODULE_NOT_FOUND' });
  return resolve.call(this, request, ...rest);
};
`,
);

function netgap(args: string[]): CliResult {
  return runCli(args, { nodeArgs: ['-r', preload], timeoutMs: 30_000 });
}

describe('netgap without cap', () => {
  it('reads captures as usual', () => {
    const r = netgap(['read', '--json', join(FIXTURES, 'xp-600s.pcap')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"type":"summary"');
  });

  it.each([
    ['live', ['live', '-i', 'eth0', '--capture-engine', 'cap']],
    ['interfaces', ['interfaces']],
  ])('`%s` says in one line what to install and how to rebuild, and exits 2', (_name, args) => {
    const r = netgap(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^netgap: live capture needs the optional module `cap`.*libpcap-dev.*then run `npm install` again in the netgap directory; or install dumpcap .*which needs no build$/,
    );
  });
});
