// The service options of `netgap read` through the built CLI: metrics textfile and endpoint, and bad input refused before any frame is read (one line, exit 2).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const XP = join(ROOT, 'fixtures', 'xp-600s.pcap');

function netgap(args: string[]): { stdout: string; stderr: string; status: number | null } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('netgap read with service options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-service-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const plain = netgap(['read', '--json', XP]);

  it('writes the metrics textfile at the end, the output unchanged', { timeout: 30_000 }, () => {
    const file = join(dir, 'netgap.prom');
    const r = netgap(['read', '--json', '--metrics-textfile', file, '--metrics-stations', '4', XP]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    expect(readdirSync(dir)).toEqual(['netgap.prom']);
    const text = readFileSync(file, 'utf8');
    const packets = (JSON.parse(plain.stdout.trim().split('\n').at(-1)!) as { packets: number }).packets;
    expect(text).toContain(`\nnetgap_packets_total ${packets}\n`);
    expect(text).toMatch(/\nnetgap_alerts_total\{kind="arp-gap-expired",severity="critical"\} [1-9]/);
  });

  it('refuses bad input before reading a frame: one line naming it, exit 2, nothing on stdout', { timeout: 60_000 }, async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      for (const [args, line] of [
        [['--metrics', `127.0.0.1:${port}`], `netgap: --metrics 127.0.0.1:${port}: address already in use`],
        [['--metrics', 'localhost'], 'netgap: --metrics localhost: expected [HOST:]PORT, e.g. 9473 or 0.0.0.0:9473'],
        [['--metrics', '192.0.2.1:9473'], 'netgap: --metrics 192.0.2.1:9473: no such local address'],
        [['--metrics-textfile', join(dir, 'gone', 'x.prom')], `netgap: --metrics-textfile ${join(dir, 'gone', 'x.prom')}: no such directory`],
        [['--metrics-stations', '3'], 'netgap: --metrics-stations needs --metrics or --metrics-textfile'],
      ] as const) {
        const r = netgap(['read', '--json', ...args, XP]);
        expect(r.stderr, args.join(' ')).toBe(`${line}\n`);
        expect(r.status).toBe(2);
        expect(r.stdout).toBe('');
      }
    } finally {
      taken.close();
    }
  });
});
