// The service options of `netgap read` through the built CLI: metrics textfile and endpoint, and bad input refused before any frame is read (one line, exit 2).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli-run';
import { ROOT } from '../repo';

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
        [
          ['--metrics', 'localhost'],
          "netgap: error: option '--metrics <[host:]port>' argument 'localhost' is invalid. expected [HOST:]PORT, e.g. 9473 or 0.0.0.0:9473",
        ],
        [['--metrics', '192.0.2.1:9473'], 'netgap: --metrics 192.0.2.1:9473: no such local address'],
        [['--metrics-textfile', join(dir, 'gone', 'x.prom')], `netgap: --metrics-textfile ${join(dir, 'gone', 'x.prom')}: no such directory`],
        [['--metrics-stations', '3'], 'netgap: error: --metrics-stations needs --metrics or --metrics-textfile'],
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

/** Byte offsets where each record of a little-endian classic pcap starts. */
function recordStarts(pcap: Buffer): number[] {
  const starts: number[] = [];
  for (let off = 24; off + 16 <= pcap.length; off += 16 + pcap.readUInt32LE(off + 8)) starts.push(off);
  return starts;
}

/** The ARP-gap alert records of an NDJSON output. */
function arpGapAlerts(stdout: string): unknown[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; kind?: string })
    .filter((r) => r.type === 'alert' && r.kind!.startsWith('arp-gap-'));
}

describe('netgap read --state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const fixture of ['xp-600s.pcap', 'hyperv-mix.pcap', 'syn-kept.pcap', 'capture-hole.pcap']) {
    it(`${fixture} read in two parts with one state file gives the ARP-gap alerts of reading both at once`, { timeout: 60_000 }, () => {
      const pcap = readFileSync(join(ROOT, 'fixtures', fixture));
      const starts = recordStarts(pcap);
      const a = join(dir, `a-${fixture}`);
      const b = join(dir, `b-${fixture}`);
      const state = join(dir, `${fixture}.state`);
      for (const at of [Math.floor(starts.length / 3), Math.floor((2 * starts.length) / 3)]) {
        const cut = starts[at]!;
        writeFileSync(a, pcap.subarray(0, cut));
        writeFileSync(b, Buffer.concat([pcap.subarray(0, 24), pcap.subarray(cut)]));
        rmSync(state, { force: true });
        const both = netgap(['read', '--json', a, b]);
        const first = netgap(['read', '--json', '--state', state, a]);
        const second = netgap(['read', '--json', '--state', state, b]);
        expect([first.status, second.status, first.stderr, second.stderr]).toEqual([0, 0, '', '']);
        const whole = arpGapAlerts(both.stdout);
        expect(whole.length).toBeGreaterThan(0);
        expect([...arpGapAlerts(first.stdout), ...arpGapAlerts(second.stdout)]).toEqual(whole);
        expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
      }
    });
  }

  it('sets a damaged, foreign or later-version file aside with one warning naming it, and starts fresh', { timeout: 60_000 }, () => {
    const plain = netgap(['read', '--json', XP]);
    for (const [content, why] of [
      ['{"format":"netgap-state","version":1,"clock":', 'damaged (truncated, or not JSON)'],
      ['{"mac":"00:15:5d:00:00:01"}\n', 'not a netgap state file'],
      ['{"format":"netgap-state","version":99}\n', 'written by a later netgap (state version 99; this one reads 2)'],
      ['', 'empty'],
    ] as const) {
      const sub = mkdtempSync(join(dir, 'bad-'));
      const state = join(sub, 'state.json');
      writeFileSync(state, content);
      const r = netgap(['read', '--json', '--state', state, XP]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(plain.stdout);
      const aside = readdirSync(sub).find((f) => f.startsWith('state.json.bad-'))!;
      expect(r.stderr).toBe(`netgap: --state ${state}: ${why}; kept as ${join(sub, aside)}, starting with no state\n`);
      expect(readFileSync(join(sub, aside), 'utf8')).toBe(content);
      // A good state replaced it.
      expect((JSON.parse(readFileSync(state, 'utf8')) as { format: string }).format).toBe('netgap-state');
    }
  });

  it('refuses a state path that cannot be written before reading a frame, exit 2', { timeout: 30_000 }, () => {
    const state = join(dir, 'gone', 'state.json');
    const r = netgap(['read', '--json', '--state', state, XP]);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', `netgap: --state ${state}: no such directory\n`]);
    const i = netgap(['read', '--json', '--state-interval', '5', XP]);
    expect([i.status, i.stderr]).toEqual([2, 'netgap: error: --state-interval needs --state\n']);
  });
});

/** `netgap read ... -` fed through a pipe the test controls, so that it can be signalled mid-stream. */
function piped(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'read', ...args, '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, exited, out: () => ({ stdout, stderr }) };
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** NDJSON lines with `host` added, as --sensor writes them. */
function withHost(stdout: string, host: string): string[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.stringify({ ...(JSON.parse(l) as object), host }));
}

describe('netgap read --output, --sensor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-output-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const plain = netgap(['read', '--json', XP]);

  it('writes what stdout would get to the file (appending), every NDJSON record with the sensor as `host`', { timeout: 30_000 }, () => {
    const file = join(dir, 'alerts.ndjson');
    const r = netgap(['read', '--json', '--output', file, '--sensor', 'hv-01.example', XP]);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toEqual(withHost(plain.stdout, 'hv-01.example'));
    // --sensor alone: stdout, with host; text output is unchanged by it.
    expect(netgap(['read', '--json', '--sensor', 'hv-02', XP]).stdout.trim().split('\n')).toEqual(withHost(plain.stdout, 'hv-02'));
    expect(netgap(['read', '--sensor', 'hv-02', XP]).stdout).toBe(netgap(['read', XP]).stdout);
  });

  it('refuses an output path that cannot be opened, or a sensor name syslog cannot carry, before reading a frame', { timeout: 30_000 }, () => {
    const file = join(dir, 'gone', 'alerts.ndjson');
    const o = netgap(['read', '--output', file, XP]);
    expect([o.status, o.stdout, o.stderr]).toEqual([2, '', `netgap: --output ${file}: no such directory\n`]);
    const r = netgap(['read', '--sensor', 'two words', XP]);
    expect([r.status, r.stderr]).toEqual([
      2,
      "netgap: error: option '--sensor <name>' argument 'two words' is invalid. expected printable ASCII without spaces, at most 255 characters (as a syslog HOSTNAME)\n",
    ]);
  });

  it('SIGHUP after logrotate moved the file: the rest goes to a new file at the path, nothing lost', { timeout: 60_000 }, async () => {
    const file = join(dir, 'rotated.ndjson');
    const pcap = readFileSync(XP);
    const cut = recordStarts(pcap)[Math.floor(recordStarts(pcap).length / 2)]!;
    const p = piped(['--json', '--output', file, '--sensor', 'hv1']);
    p.child.stdin.write(pcap.subarray(0, cut));
    await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').length > 0, 'the first alerts');
    renameSync(file, `${file}.1`);
    p.child.kill('SIGHUP');
    await waitFor(() => existsSync(file), 'the reopened file');
    p.child.stdin.end(pcap.subarray(cut));
    expect(await p.exited).toBe(0);
    expect(p.out()).toEqual({ stdout: '', stderr: '' });
    const before = readFileSync(`${file}.1`, 'utf8');
    const after = readFileSync(file, 'utf8');
    expect(after.length).toBeGreaterThan(0);
    expect(`${before}${after}`.trim().split('\n')).toEqual(withHost(plain.stdout, 'hv1'));
  });

  it('SIGHUP when the directory has vanished: a warning alert, and everything still goes to the open file', { timeout: 60_000 }, async () => {
    const sub = mkdtempSync(join(dir, 'logs-'));
    const file = join(sub, 'alerts.ndjson');
    const pcap = readFileSync(XP);
    const cut = recordStarts(pcap)[Math.floor(recordStarts(pcap).length / 2)]!;
    const p = piped(['--json', '--output', file, '--sensor', 'hv1']);
    p.child.stdin.write(pcap.subarray(0, cut));
    await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').length > 0, 'the first alerts');
    renameSync(sub, `${sub}-old`);
    p.child.kill('SIGHUP');
    await waitFor(() => p.out().stderr.includes('output-error'), 'the warning');
    p.child.stdin.end(pcap.subarray(cut));
    expect(await p.exited).toBe(0);
    const lines = readFileSync(join(`${sub}-old`, 'alerts.ndjson'), 'utf8')
      .trim()
      .split('\n');
    const warning = lines.filter((l) => l.includes('"kind":"output-error"'));
    expect(warning).toHaveLength(1);
    expect(JSON.parse(warning[0]!)).toMatchObject({ type: 'alert', severity: 'warning', kind: 'output-error', file, detail: 'no such directory', host: 'hv1' });
    expect(lines.filter((l) => !l.includes('"kind":"output-error"'))).toEqual(withHost(plain.stdout, 'hv1'));
    expect(p.out().stderr).toMatch(/^netgap: \S+ WARN output-error .*no such directory/);
  });
});
