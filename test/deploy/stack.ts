// A private Prometheus and Alertmanager (the Debian packages' binaries) with the shipped rules and route, and a webhook receiver: what the end-to-end alerting tests run.

import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertmanagerConfig } from '../../src/deploy/alertmanager';
import { prometheusRules } from '../../src/deploy/prometheus-rules';

/** Why the stack cannot run here, or null. */
export function stackSkipReason(): string | null {
  for (const [tool, pkg] of [
    ['prometheus', 'prometheus'],
    ['prometheus-alertmanager', 'prometheus-alertmanager'],
  ]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install ${pkg})`;
  }
  return null;
}

/** A port the system had free a moment ago, on loopback. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts a command (in a namespace, or not) with its stdout and stderr piped. */
export type Spawner = (cmd: string[]) => ChildProcess;
export const plainSpawn: Spawner = (cmd) => spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });

/** The webhook receiver: an HTTP server that prints each request body on one line (a child, so that it can run inside a namespace). */
const RECEIVER = `
const http = require('node:http');
http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => {
    process.stdout.write(JSON.stringify({ at: Date.now() / 1000, path: req.url, body: JSON.parse(body) }) + '\\n');
    res.end();
  });
}).listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('{"listening":true}\\n'));
`;

/** What Alertmanager posted to the webhook (its webhook payload, version 4). */
export interface WebhookPost {
  at: number;
  path: string;
  body: { status: string; alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[] };
}

export interface StackPorts {
  prometheus: number;
  alertmanager: number;
  receiver: number;
}

class Proc {
  out = '';
  err = '';
  readonly closed: Promise<void>;
  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (t: string) => (this.out += t));
    child.stderr!.setEncoding('utf8').on('data', (t: string) => (this.err += t));
    this.closed = new Promise((r) => child.once('close', () => r()));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const killed = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.closed;
    clearTimeout(killed);
  }
}

/**
 * Prometheus scrapes `target` (job "netgap") every second and evaluates the shipped rules every
 * second; Alertmanager, gossip off, routes with the shipped route (group_wait 0 s) to the
 * receiver. Every process it starts, `stop()` stops.
 */
export class AlertingStack {
  readonly dir = mkdtempSync(join(tmpdir(), 'netgap-stack-'));
  private readonly procs: Proc[] = [];
  private receiver!: Proc;

  constructor(
    private readonly spawner: Spawner,
    readonly ports: StackPorts,
    readonly target: string,
    /** Whether a URL answers 200 (from where the stack runs: inside a namespace, a fetch from the test cannot reach it). */
    private readonly probe: (url: string) => Promise<boolean> = (url) =>
      fetch(url).then(
        (r) => r.ok,
        () => false,
      ),
  ) {}

  async start(): Promise<void> {
    const d = this.dir;
    writeFileSync(join(d, 'receiver.js'), RECEIVER);
    this.receiver = this.add('receiver', [process.execPath, join(d, 'receiver.js'), String(this.ports.receiver)]);
    await this.until(() => this.receiver.out.includes('"listening"'), 10_000, 'the webhook receiver');

    mkdirSync(join(d, 'am'));
    writeFileSync(join(d, 'alertmanager.yml'), alertmanagerConfig({ webhookUrl: `http://127.0.0.1:${this.ports.receiver}/netgap`, groupWaitS: 0 }));
    this.add('alertmanager', [
      'prometheus-alertmanager',
      `--config.file=${join(d, 'alertmanager.yml')}`,
      `--storage.path=${join(d, 'am')}`,
      `--web.listen-address=127.0.0.1:${this.ports.alertmanager}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ]);

    mkdirSync(join(d, 'tsdb'));
    writeFileSync(join(d, 'netgap.rules.yml'), prometheusRules());
    writeFileSync(
      join(d, 'prometheus.yml'),
      `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: [netgap.rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:${this.ports.alertmanager}']
scrape_configs:
  - job_name: netgap
    static_configs:
      - targets: ['${this.target}']
`,
    );
    this.add('prometheus', [
      'prometheus',
      `--config.file=${join(d, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(d, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${this.ports.prometheus}`,
      '--log.level=warn',
    ]);
    await this.ready(`http://127.0.0.1:${this.ports.alertmanager}/-/ready`, 'alertmanager');
    await this.ready(`http://127.0.0.1:${this.ports.prometheus}/-/ready`, 'prometheus');
  }

  /** What the receiver got so far. */
  posts(): WebhookPost[] {
    return this.receiver.out
      .split('\n')
      .filter((l) => l.startsWith('{"at"'))
      .map((l) => JSON.parse(l) as WebhookPost);
  }

  /** Resolves with the first post carrying a firing alert named `alertname`. */
  async firing(alertname: string, timeoutMs: number): Promise<{ post: WebhookPost; alert: WebhookPost['body']['alerts'][number] }> {
    let found: { post: WebhookPost; alert: WebhookPost['body']['alerts'][number] } | undefined;
    await this.until(
      () => {
        for (const post of this.posts()) {
          const alert = post.body.alerts.find((a) => a.status === 'firing' && a.labels.alertname === alertname);
          if (alert !== undefined) found = { post, alert };
        }
        return found !== undefined;
      },
      timeoutMs,
      `${alertname} at the webhook`,
    );
    return found!;
  }

  /** The processes' stderr, for a failure message. */
  logs(): string {
    return this.procs.map((p) => `--- ${p.name} (${p.running ? 'running' : `exit ${p.child.exitCode}`}):\n${p.err.slice(-2000)}`).join('\n');
  }

  async stop(): Promise<void> {
    // Prometheus first: it would otherwise log failed notifications to a stopped Alertmanager.
    for (const p of [...this.procs].reverse()) await p.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private add(name: string, cmd: string[]): Proc {
    const p = new Proc(name, this.spawner(cmd));
    this.procs.push(p);
    return p;
  }

  private async ready(url: string, name: string): Promise<void> {
    let ok = false;
    let probing = false;
    await this.until(
      () => {
        if (!ok && !probing) {
          probing = true;
          void this.probe(url).then((r) => {
            ok = r;
            probing = false;
          });
        }
        return ok;
      },
      20_000,
      `${name} to be ready`,
    );
  }

  async until(cond: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      const dead = this.procs.find((p) => !p.running);
      if (dead !== undefined) throw new Error(`${dead.name} exited while waiting for ${what}\n${this.logs()}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.logs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
