// `--metrics-textfile` read by the real node_exporter's textfile collector: netgap's series appear in its scrape, with no collector error.

import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './stack';
import { CLI } from '../cli-run';
import { ROOT } from '../repo';

const XP = join(ROOT, 'fixtures', 'xp-600s.pcap');

const skip = spawnSync('sh', ['-c', 'command -v prometheus-node-exporter']).status === 0 ? null : 'prometheus-node-exporter is not installed';
if (skip !== null) console.log(`test/deploy/textfile: skipped: ${skip}`);

describe.skipIf(skip !== null)('netgap read --metrics-textfile with node_exporter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-textfile-'));
  let exporter: ChildProcess | undefined;
  afterAll(async () => {
    if (exporter !== undefined && exporter.exitCode === null) {
      exporter.kill('SIGTERM');
      await new Promise((r) => exporter!.once('close', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("node_exporter's textfile collector serves netgap's series as netgap wrote them", { timeout: 60_000 }, async () => {
    const r = spawnSync(process.execPath, [CLI, 'read', '--json', '--metrics-textfile', join(dir, 'netgap.prom'), XP], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const packets = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { packets: number }).packets;

    const port = await freePort();
    exporter = spawn(
      'prometheus-node-exporter',
      [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${dir}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    exporter.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    let body = '';
    const deadline = Date.now() + 20_000;
    while (body === '') {
      if (exporter.exitCode !== null || Date.now() > deadline) throw new Error(`node_exporter did not serve: ${stderr}`);
      body = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (res) => (res.ok ? res.text() : ''),
        () => '',
      );
      if (body === '') await new Promise((res) => setTimeout(res, 200));
    }
    expect(body).toContain(`\nnetgap_packets_total ${packets}\n`);
    expect(body).toMatch(/\nnetgap_alerts_total\{kind="arp-gap-expired",severity="critical"\} [1-9]/);
    expect(body).toContain('node_textfile_scrape_error 0');
  });
});
