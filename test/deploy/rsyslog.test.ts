// `netgap deploy rsyslog` end to end: a private rsyslogd (own config, pid file and work directory, on loopback) tails an NDJSON log and forwards each alert as RFC 5424 to a collector in the test.

import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rsyslogConfig } from '../../src/deploy/rsyslog';
import type { Alert } from '../../src/detect/alerts';
import { alertRecord } from '../../src/output/ndjson';

const skip = spawnSync('sh', ['-c', 'command -v rsyslogd']).status === 0 ? null : 'rsyslogd is not installed (apt-get install rsyslog)';
if (skip !== null) console.log(`test/deploy/rsyslog: skipped: ${skip}`);

const T0 = 1_700_000_000;

/** An alert as netgap writes it to --output, with the sensor's name. */
function line(alert: Alert, host: string): string {
  return JSON.stringify({ ...alertRecord(alert), host });
}

/** RFC 6587 octet-counted frames ("LEN SP MSG") from a TCP stream. */
class FrameReader {
  readonly messages: string[] = [];
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const sp = this.buf.indexOf(0x20);
      if (sp < 0) return;
      const len = Number(this.buf.subarray(0, sp).toString('ascii'));
      if (this.buf.length < sp + 1 + len) return;
      this.messages.push(this.buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
      this.buf = this.buf.subarray(sp + 1 + len);
    }
  }
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip !== null)('netgap deploy rsyslog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-rsyslog-'));
  let rsyslogd: ChildProcess | undefined;
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterAll(async () => {
    if (rsyslogd !== undefined && rsyslogd.exitCode === null) {
      rsyslogd.kill('SIGTERM');
      await new Promise((r) => rsyslogd!.once('close', r));
    }
    for (const s of sockets) s.destroy();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards each alert as RFC 5424 with its severity, sensor and kind, the JSON intact; the summary stays home', { timeout: 30_000 }, async () => {
    const reader = new FrameReader();
    server = createServer((s) => {
      sockets.push(s);
      s.on('data', (c: Buffer) => reader.push(c));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;

    const log = join(dir, 'alerts.ndjson');
    const work = join(dir, 'work');
    mkdirSync(work);
    writeFileSync(log, '');
    const conf = join(dir, 'rsyslog.conf');
    writeFileSync(conf, `global(workDirectory="${work}")\n${rsyslogConfig({ file: log, target: '127.0.0.1', port })}`);
    const pid = join(dir, 'rsyslogd.pid');
    rsyslogd = spawn('rsyslogd', ['-n', '-f', conf, '-i', pid], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    rsyslogd.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await until(() => existsSync(pid) || rsyslogd!.exitCode !== null, 10_000, 'rsyslogd to start');
    expect(rsyslogd.exitCode, stderr).toBeNull();

    const expired = line(
      {
        ts: T0 + 310.5,
        severity: 'critical',
        kind: 'arp-gap-expired',
        mac: '00:15:5d:0a:00:01',
        ip: '198.51.100.11',
        gap_s: 310.5,
        last_arp_ts: T0,
        threshold_s: 300,
        frames_since_arp: 31,
        cause: 'long-arp-cache',
      },
      'hv-01.example',
    );
    const warning = line(
      {
        ts: T0 + 240,
        severity: 'warning',
        kind: 'arp-gap-warning',
        mac: '00:15:5d:0a:00:02',
        gap_s: 240,
        last_arp_ts: T0,
        threshold_s: 300,
        frames_since_arp: 3,
        cause: 'tcp-syn-refresh',
        syn_peer: '203.0.113.7',
        syn_interval_s: 30,
      },
      'hv-01.example',
    );
    const summary = JSON.stringify({ type: 'summary', packets: 1, host: 'hv-01.example' });
    appendFileSync(log, `${warning}\n${summary}\n${expired}\n`);
    await until(() => reader.messages.length >= 2, 15_000, `two messages (rsyslogd: ${stderr})`);
    await new Promise((r) => setTimeout(r, 300));

    expect(reader.messages).toHaveLength(2);
    const parsed = reader.messages.map((m) => /^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (.*)$/s.exec(m));
    expect(
      parsed.every((p) => p !== null),
      reader.messages.join('\n'),
    ).toBe(true);
    const [w, c] = parsed as [RegExpExecArray, RegExpExecArray];
    // PRI: local0 (16 * 8) + warning 4 / critical 2; HOSTNAME: the sensor; APP-NAME, PROCID, MSGID, SD.
    expect([w[1], w[3], w[4], w[5], w[6], w[7]]).toEqual(['132', 'hv-01.example', 'netgap', '-', 'arp-gap-warning', '-']);
    expect([c[1], c[3], c[6]]).toEqual(['130', 'hv-01.example', 'arp-gap-expired']);
    expect(w[2]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expect(w[8]).toBe(warning);
    expect(c[8]).toBe(expired);
    expect(JSON.parse(c[8]!)).toEqual(JSON.parse(expired));
  });
});
