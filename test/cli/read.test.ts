// `netgap read` end to end through the built CLI: timelines over several files, stdin, pipes, exit codes.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLI, type CliResult, cliCommand, runCli } from '../cli-run';
import { sanitize } from '../../src/output/sanitize';
import { FIXTURES, ROOT } from '../repo';

const XP = join(FIXTURES, 'xp-600s.pcap');

function netgap(args: string[], input?: Buffer): CliResult {
  return runCli(args, { input });
}

/** Byte offsets where each record of a little-endian classic pcap starts. */
function recordStarts(pcap: Buffer): number[] {
  const starts: number[] = [];
  for (let off = 24; off + 16 <= pcap.length; off += 16 + pcap.readUInt32LE(off + 8)) starts.push(off);
  return starts;
}

describe('netgap read', () => {
  const whole = netgap(['read', '--json', XP]);

  it('reads several files in the order given as one timeline, with the same alerts as the whole capture', () => {
    const pcap = readFileSync(XP);
    const starts = recordStarts(pcap);
    const cut = starts[Math.floor(starts.length / 2)]!;
    const dir = mkdtempSync(join(tmpdir(), 'netgap-'));
    writeFileSync(join(dir, 'a.pcap'), pcap.subarray(0, cut));
    writeFileSync(join(dir, 'b.pcap'), Buffer.concat([pcap.subarray(0, 24), pcap.subarray(cut)]));
    const split = netgap(['read', '--json', join(dir, 'a.pcap'), join(dir, 'b.pcap')]);
    expect(split.status).toBe(0);
    expect(split.stdout).toBe(whole.stdout);
  });

  it('reads standard input with -, plain or gzip-compressed, like the file itself', () => {
    const pcap = readFileSync(XP);
    expect(netgap(['read', '--json', '-'], pcap).stdout).toBe(whole.stdout);
    expect(netgap(['read', '--json', '-'], gzipSync(pcap)).stdout).toBe(whole.stdout);
  });

  it('prints an alert from a pipe as soon as the frame that raised it has arrived, before the input ends', { timeout: 30_000 }, async () => {
    const pcap = readFileSync(XP);
    const firstAlertTs = (JSON.parse(whole.stdout.split('\n')[0]!) as { ts: number }).ts;
    // Feed the records up to 30 s past the first alert (the timer fires on the next frame, and the
    // guest talks every 5-10 s), then wait with the pipe still open.
    const starts = recordStarts(pcap);
    const upTo = starts.find((off) => pcap.readUInt32LE(off) > firstAlertTs + 30) ?? pcap.length;
    const [node, ...args] = cliCommand(['read', '--json', '-']);
    const child = spawn(node!, args);
    child.stdin.write(pcap.subarray(0, upTo));
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\n')) resolve(text.split('\n')[0]!);
      });
      setTimeout(() => reject(new Error('no alert while the pipe was open')), 20_000);
    });
    child.stdin.end();
    child.kill();
    expect(JSON.parse(line)).toMatchObject({ type: 'alert', ts: firstAlertTs });
  });

  it('exits quietly with 0 when the reader of its output goes away (| true)', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" read "${XP}" | true; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('status=0');
    expect(r.stderr).toBe('');
  });

  it('exits 2 with one line for a missing file, after the summary of nothing', () => {
    const r = netgap(['read', '--json', '/nonexistent/capture.pcap']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^netgap: \/nonexistent\/capture\.pcap: byte 0: /);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ type: 'summary', packets: 0 });
  });

  it('reads the files named after a damaged one: every alert of all of them, one line per damaged file, exit 2', () => {
    const pcap = readFileSync(XP);
    const starts = recordStarts(pcap);
    const [cut1, cut2] = [starts[Math.floor(starts.length / 3)]!, starts[Math.floor((2 * starts.length) / 3)]!];
    const header = pcap.subarray(0, 24);
    const dir = mkdtempSync(join(tmpdir(), 'netgap-damaged-'));
    const part = (name: string, bytes: Buffer): string => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    const p1 = pcap.subarray(0, cut1);
    const p2 = Buffer.concat([header, pcap.subarray(cut1, cut2)]);
    const p3 = part('p3.pcap', Buffer.concat([header, pcap.subarray(cut2)]));
    // Trailing garbage after complete gzip data (gzip -d keeps the data and warns): nothing is lost.
    const garbage = part('p1.pcap.gz', Buffer.concat([gzipSync(p1), Buffer.from('not gzip\n')]));
    // A cut in the last record of the middle file: the records before it, and the whole third file.
    const lastOfP2 = recordStarts(p2).at(-1)!;
    const cutShort = part('p2-cut.pcap', p2.subarray(0, p2.length - 5));
    const upToCut = part('p2-upto.pcap', p2.subarray(0, lastOfP2));
    const garbageLine = `netgap: ${garbage}: byte ${p1.length}: trailing garbage after the gzip data ignored (offset in the decompressed stream)`;
    const escaped = cutShort.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const cutLine = new RegExp(`^netgap: ${escaped}: byte ${lastOfP2}: record claims \\d+ bytes`);

    const g = netgap(['read', '--json', garbage, part('p2.pcap', p2), p3]);
    expect([g.status, g.stderr]).toEqual([2, `${garbageLine}\n`]);
    expect(g.stdout).toBe(whole.stdout);

    const c = netgap(['read', '--json', part('p1.pcap', p1), cutShort, p3]);
    expect(c.status).toBe(2);
    expect(c.stderr.trim().split('\n')).toHaveLength(1);
    expect(c.stderr).toMatch(cutLine);
    expect(c.stdout).toBe(netgap(['read', '--json', join(dir, 'p1.pcap'), upToCut, p3]).stdout);

    const both = netgap(['read', '--json', garbage, cutShort, p3]);
    expect(both.status).toBe(2);
    const lines = both.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(garbageLine);
    expect(lines[1]).toMatch(cutLine);
    expect(both.stdout).toBe(c.stdout);
  });

  it('prints a file name holding control bytes escaped: a capture named with ESC[2J cannot clear the screen', { timeout: 30_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'netgap-name-'));
    const hostile = join(dir, 'evil\u001b[2J\u0007.pcap');
    writeFileSync(hostile, readFileSync(XP).subarray(0, 90)); // cut inside its first record
    for (const args of [
      ['read', hostile],
      ['read', '--json', hostile],
      ['read', join(dir, 'missing\u001b]0;title\u0007.pcap')],
      ['read', '--bogus\u001b[2J', XP],
    ]) {
      const r = netgap(args);
      expect(r.status, args.join(' ')).toBe(2);
      // Nothing printed holds a control byte: every line is its own sanitized form.
      for (const line of `${r.stderr}${r.stdout}`.split('\n')) expect(sanitize(line)).toBe(line);
    }
    expect(netgap(['read', hostile]).stderr).toContain('evil\\x1b[2J\\x07.pcap: byte ');
  });

  it('exits 2 with one line on usage errors, and 0 for --help and --version', () => {
    for (const args of [['read'], ['read', '--arp-warn', '300', XP], ['read', '--arp-threshold', 'x', XP], ['read', '--fail-on', 'info', XP], ['frobnicate']]) {
      const r = netgap(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('netgap: ') || l.startsWith('error:')),
      ).not.toHaveLength(0);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(netgap(['--help']).status).toBe(0);
    expect(netgap(['read', '--help']).status).toBe(0);
    expect(netgap(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('the installed command', () => {
  it('runs through its #! line the same as through node', () => {
    const direct = spawnSync(CLI, ['read', '--json', XP], { encoding: 'utf8', timeout: 60_000 });
    expect(direct.stderr).toBe('');
    expect(direct.status).toBe(0);
    expect(direct.stdout).toBe(netgap(['read', '--json', XP]).stdout);
    // npm's cmd-shim takes everything after `env` as the program: see test/cli/shim.test.ts.
    expect(readFileSync(CLI, 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node');
  });
});

describe('what netgap read loads', () => {
  it('loads no module of rxjs: it runs on the plain cores of the reading and the analysis', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netgap-modules-'));
    for (const args of [
      ['read', XP],
      ['read', '--json', XP],
    ]) {
      const list = join(dir, 'modules.txt');
      const r = runCli(args, { nodeArgs: ['-r', join(ROOT, 'test', 'cli', 'loaded-modules.cjs')], env: { ...process.env, NETGAP_TEST_MODULES: list } });
      expect(r.status).toBe(0);
      const loaded = readFileSync(list, 'utf8').split('\n');
      // The list is whole: it holds the read command's own modules.
      expect(loaded).toContain(join(ROOT, 'dist', 'cli', 'read.js'));
      expect(loaded).toContain(join(ROOT, 'dist', 'analysis.js'));
      expect(loaded.filter((path) => path.includes(`${sep}node_modules${sep}rxjs${sep}`))).toEqual([]);
    }
  });
});
