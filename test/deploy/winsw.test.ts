// `netgap deploy winsw`: a well-formed WinSW configuration (xmllint) whose arguments are exactly netgap's command line, whatever the paths hold.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WINSW_DEFAULTS, winswConfig } from '../../src/deploy/winsw';
import { CLI } from '../cli-run';

function netgap(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'deploy', 'winsw', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status !== 0;
if (noXmllint) console.log('test/deploy: the WinSW well-formedness test skipped: xmllint is not installed (apt-get install libxml2-utils)');

const dir = mkdtempSync(join(tmpdir(), 'netgap-winsw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What xmllint reads in the file at `xpath` (text nodes, one per line), or the failure. */
function xpath(xml: string, path: string): { status: number | null; out: string } {
  const file = join(dir, 'netgap-service.xml');
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--xpath', path, file], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}`.replace(/\n$/, '') };
}

describe('netgap deploy winsw', () => {
  it("prints the module's file; bad paths and accounts: one line, exit 2", () => {
    const args = ['-i', '\\Device\\NPF_{A1}', '-i', '\\Device\\NPF_{B2}', '--dir', 'D:\\netgap', '--account', 'LocalSystem'];
    expect(netgap(...args)).toEqual({
      status: 0,
      stdout: winswConfig({ interfaces: ['\\Device\\NPF_{A1}', '\\Device\\NPF_{B2}'], dir: 'D:\\netgap', account: 'LocalSystem' }),
      stderr: '',
    });
    for (const bad of [
      ['--dir', 'netgap'],
      ['--node', '/usr/bin/node'],
      ['--script', 'C:\\a"b'],
      ['--account', 'Administrator'],
      ['-i', 'eth\u001b0'],
    ]) {
      const r = netgap(...bad);
      expect(r.status, bad.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^netgap: error: /);
    }
  });

  it.skipIf(noXmllint)("is well-formed XML whose <argument>s are netgap live's argv, even with &, <, > and -- in paths", () => {
    const dirPath = 'C:\\Data & <Logs> --netgap';
    const xml = winswConfig({
      interfaces: ['\\Device\\NPF_{A1}'],
      dir: dirPath,
      textfile: 'C:\\Program Files\\windows_exporter\\textfile_inputs\\netgap.prom',
    });
    const args = xpath(xml, '/service/argument/text()');
    expect(args.status, args.out).toBe(0);
    expect(args.out.trim().split('\n')).toEqual(
      [
        WINSW_DEFAULTS.script,
        'live',
        '-i',
        '\\Device\\NPF_{A1}',
        '--json',
        '--output',
        `${dirPath}\\alerts.ndjson`,
        '--state',
        `${dirPath}\\state.json`,
        '--metrics-textfile',
        'C:\\Program Files\\windows_exporter\\textfile_inputs\\netgap.prom',
      ].map((a) => a.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')),
    );
    expect(xpath(xml, 'string(/service/executable)').out).toBe(WINSW_DEFAULTS.node);
    expect(xpath(xml, 'string(/service/serviceaccount/user)').out).toBe('LocalService');
    expect(xpath(xml, 'string(/service/serviceaccount/domain)').out).toBe('NT AUTHORITY');
    expect(xpath(xml, 'string(/service/onfailure/@action)').out).toBe('restart');
    expect(xpath(xml, 'string(/service/stopparentprocessfirst)').out).toBe('true');
  });

  it.skipIf(noXmllint)('LocalSystem has no domain; without -i, a placeholder device that the comment says to replace', () => {
    const xml = winswConfig({ account: 'LocalSystem' });
    expect(xpath(xml, 'count(/service/serviceaccount/domain)').out).toBe('0');
    expect(xpath(xml, 'string(/service/serviceaccount/user)').out).toBe('LocalSystem');
    expect(xml).toContain(`Replace ${WINSW_DEFAULTS.placeholder}`);
    expect(xpath(xml, '/service/argument[4]/text()').out.trim()).toBe(WINSW_DEFAULTS.placeholder);
  });
});
