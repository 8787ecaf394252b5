// `netgap deploy ...`: the printed files pass their own tools: promtool (rules and their unit tests), amtool, rsyslogd -N1, logrotate -d, systemd-analyze security (<= 3.0).

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertmanagerConfig } from '../../src/deploy/alertmanager';
import { logrotateConfig } from '../../src/deploy/logrotate';
import { prometheusRules } from '../../src/deploy/prometheus-rules';
import { rsyslogConfig } from '../../src/deploy/rsyslog';
import { systemdUnit } from '../../src/deploy/systemd';
import { CLI } from '../cli-run';

/** Why a tool is missing, printed once, or null. */
function missing(tool: string, pkg: string): string | null {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0) return null;
  const why = `${tool} is not installed (apt-get install ${pkg})`;
  console.log(`test/deploy: a test skipped: ${why}`);
  return why;
}

function run(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function netgap(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'netgap-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('netgap deploy', () => {
  it('prints each file from the package, as the modules make it', () => {
    expect(netgap('deploy', 'prometheus-rules')).toEqual({ status: 0, stdout: prometheusRules(), stderr: '' });
    expect(netgap('deploy', 'alertmanager', '--webhook', 'https://pager.example/hook')).toEqual({
      status: 0,
      stdout: alertmanagerConfig({ webhookUrl: 'https://pager.example/hook' }),
      stderr: '',
    });
    expect(netgap('deploy', 'rsyslog', '--file', '/srv/netgap.ndjson', '--target', 'logs.example', '--port', '514').stdout).toBe(
      rsyslogConfig({ file: '/srv/netgap.ndjson', target: 'logs.example', port: 514 }),
    );
    expect(netgap('deploy', 'systemd', '--exec', '/opt/netgap/bin/netgap').stdout).toBe(systemdUnit({ exec: '/opt/netgap/bin/netgap' }));
    expect(netgap('deploy', 'logrotate', '--file', '/srv/netgap.ndjson').stdout).toBe(logrotateConfig({ file: '/srv/netgap.ndjson' }));
  });

  it('refuses a value that would break the file, in one line, exit 2', () => {
    for (const args of [
      ['alertmanager', '--webhook', 'ftp://x'],
      ['rsyslog', '--file', 'relative.ndjson'],
      ['rsyslog', '--target', 'a"b'],
      ['rsyslog', '--port', '70000'],
      ['systemd', '--exec', '/usr/bin/net gap'],
      ['logrotate', '--file', 'alerts.ndjson'],
      ['nginx'],
    ]) {
      const r = netgap('deploy', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^netgap: error: /);
    }
  });

  it.skipIf(missing('promtool', 'prometheus') !== null)('rules pass `promtool check rules` and the unit tests in test/deploy (`promtool test rules`)', () => {
    writeFileSync(join(dir, 'netgap.rules.yml'), prometheusRules());
    expect(run('promtool', ['check', 'rules', join(dir, 'netgap.rules.yml')])).toEqual({ status: 0, out: expect.stringContaining('SUCCESS: 8 rules found') });
    copyFileSync(join(__dirname, 'prometheus-rules.test.yml'), join(dir, 'prometheus-rules.test.yml'));
    const r = run('promtool', ['test', 'rules', join(dir, 'prometheus-rules.test.yml')]);
    expect(r.out).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it.skipIf(missing('amtool', 'prometheus-alertmanager') !== null)(
    "the Alertmanager route passes `amtool check-config` and routes netgap's alerts to its receiver",
    () => {
      const file = join(dir, 'alertmanager.yml');
      writeFileSync(file, alertmanagerConfig());
      expect(run('amtool', ['check-config', file]).status).toBe(0);
      const route = (labels: string[]) =>
        spawnSync('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels], { encoding: 'utf8' }).stdout.trim();
      expect(route(['alertname=NetgapStationCutOff', 'severity=critical'])).toBe('netgap');
      expect(route(['alertname=NodeDown'])).toBe('default');
    },
  );

  it.skipIf(missing('rsyslogd', 'rsyslog') !== null)('the rsyslog configuration passes `rsyslogd -N1`', () => {
    const file = join(dir, 'rsyslog.conf');
    writeFileSync(file, `global(workDirectory="${dir}")\n${rsyslogConfig({ file: join(dir, 'alerts.ndjson'), target: '127.0.0.1', port: 6514 })}`);
    const r = run('rsyslogd', ['-N1', '-f', file]);
    expect(r.out).not.toMatch(/error/i);
    expect(r.status).toBe(0);
  });

  it.skipIf(missing('logrotate', 'logrotate') !== null)('the logrotate configuration passes `logrotate -d` and rotates the file the unit writes', () => {
    const file = join(dir, 'logrotate.conf');
    writeFileSync(file, logrotateConfig());
    const r = run('logrotate', ['-d', '-s', join(dir, 'logrotate.status'), file]);
    expect(r.out).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.out).toContain('rotating pattern: /var/log/netgap/alerts.ndjson');
    expect(systemdUnit()).toContain('--output /var/log/netgap/alerts.ndjson');
  });

  it.skipIf(missing('systemd-analyze', 'systemd') !== null)(
    'the unit scores 3.0 or less in `systemd-analyze security --offline=true`, unprivileged with two capabilities',
    () => {
      const unit = systemdUnit();
      const file = join(dir, 'netgap.service');
      writeFileSync(file, unit);
      const r = run('systemd-analyze', ['security', '--offline=true', '--no-pager', file]);
      const score = /Overall exposure level for netgap\.service: (\d+\.\d+)/.exec(r.out);
      expect(score, r.out).not.toBeNull();
      console.log(`systemd-analyze security: ${score![1]}`);
      expect(Number(score![1])).toBeLessThanOrEqual(3.0);
      for (const line of [
        'DynamicUser=yes',
        'AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN',
        'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN',
        'StateDirectory=netgap',
        'ProtectSystem=strict',
        'SystemCallFilter=@system-service',
        'Restart=on-failure',
        'MemoryDenyWriteExecute=no',
        // dumpcap gives up its capabilities with capset once capturing (test/live/systemd-unit.test.ts).
        'SystemCallFilter=capset',
      ])
        expect(unit.split('\n')).toContain(line);
      expect(unit).toMatch(/^RestrictAddressFamilies=/m);
      expect(run('systemd-analyze', ['verify', '--man=no', file]).out).not.toMatch(/Unknown (key|section)/);
    },
  );
});
