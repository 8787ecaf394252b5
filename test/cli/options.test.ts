// The command-line options, declared once: defaults from the engine, and errors that name what the user typed and the value in force.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_OPTIONS } from '../../src/detect/options';
import {
  addLiveOptions,
  addReadOptions,
  detectorOptionsError,
  engineOptions,
  type Given,
  givenOn,
  type LiveOptions,
  liveOptionsError,
  type ReadOptions,
  readOptionsError,
} from '../../src/cli/options';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const XP = join(ROOT, 'fixtures', 'xp-600s.pcap');

/** `read`'s options as commander parses `args`, and which of them were typed. */
function parseRead(args: string[]): { opts: ReadOptions; given: Given } {
  const c = addReadOptions(new Command('read').exitOverride().argument('<file...>'));
  c.parse(['node', 'read', ...args, 'x.pcap']);
  return { opts: c.opts<ReadOptions>(), given: givenOn(c) };
}

function parseLive(args: string[]): { opts: LiveOptions; given: Given } {
  const c = addLiveOptions(new Command('live').exitOverride());
  c.parse(['node', 'live', ...args]);
  return { opts: c.opts<LiveOptions>(), given: givenOn(c) };
}

const none: Given = () => false;

describe('the detector options', () => {
  it("default to the engine's options, for read and live alike", () => {
    const engine = { ...DEFAULT_ENGINE_OPTIONS };
    const fromRead = engineOptions(parseRead([]).opts);
    const fromLive = engineOptions(parseLive(['-i', 'eth0']).opts);
    expect(fromLive).toStrictEqual(fromRead);
    for (const [key, value] of Object.entries(fromRead)) expect(value, key).toBe(engine[key as keyof typeof engine]);
    expect(Object.keys(fromRead).sort()).toStrictEqual([
      'arpThresholdS',
      'arpWarnS',
      'blackoutMinS',
      'maxHosts',
      'maxRequests',
      'maxStations',
      'responseTimeoutS',
    ]);
  });

  it('set the engine options they name', () => {
    const { opts } = parseRead([
      '--arp-threshold',
      '700',
      '--arp-warn',
      '650',
      '--max-stations',
      '10',
      '--response-timeout',
      '2',
      '--blackout-min',
      '3',
      '--max-hosts',
      '4',
      '--max-requests',
      '5',
    ]);
    expect(engineOptions(opts)).toStrictEqual({
      arpThresholdS: 700,
      arpWarnS: 650,
      maxStations: 10,
      responseTimeoutS: 2,
      blackoutMinS: 3,
      maxHosts: 4,
      maxRequests: 5,
    });
  });
});

describe('detectorOptionsError', () => {
  it('names the option typed and the default in force that it conflicts with', () => {
    const threshold = parseRead(['--arp-threshold', '100']);
    expect(detectorOptionsError(threshold.opts, threshold.given)).toBe('--arp-threshold 100 needs --arp-warn below it; --arp-warn is 240 by default');
    const warn = parseRead(['--arp-warn', '300']);
    expect(detectorOptionsError(warn.opts, warn.given)).toBe('--arp-warn 300 must be below --arp-threshold; --arp-threshold is 300 by default');
  });

  it('names both values when both were typed', () => {
    const both = parseRead(['--arp-threshold', '200', '--arp-warn', '250']);
    expect(detectorOptionsError(both.opts, both.given)).toBe('--arp-warn 250 must be below --arp-threshold 200');
    const equal = parseLive(['-i', 'eth0', '--arp-threshold', '60', '--arp-warn', '60']);
    expect(detectorOptionsError(equal.opts, equal.given)).toBe('--arp-warn 60 must be below --arp-threshold 60');
  });

  it('accepts a warning below the threshold', () => {
    const ok = parseRead(['--arp-threshold', '700', '--arp-warn', '650']);
    expect(detectorOptionsError(ok.opts, ok.given)).toBeNull();
    expect(detectorOptionsError(parseRead([]).opts, none)).toBeNull();
  });
});

describe('readOptionsError', () => {
  const check = (args: string[], files = ['x.pcap'], terminal = true): string | null => {
    const { opts, given } = parseRead(args);
    return readOptionsError(files, opts, given, terminal);
  };

  it('says what --tui needs and what it excludes, naming the value typed', () => {
    expect(check(['--speed', '2'])).toBe('--speed 2 needs --tui');
    expect(check(['--tui', '--json'])).toBe('--tui and --json exclude each other');
    expect(check(['--tui'], ['-'])).toBe('--tui reads its keys from the terminal: give capture files, not -');
    expect(check(['--tui'], ['x.pcap'], false)).toBe('--tui needs a terminal');
    expect(check(['--tui', '--speed', '0'])).toBeNull();
    expect(check(['--json', '--fail-on', 'warning'], ['-'], false)).toBeNull();
  });

  it('checks the detector options first', () => {
    expect(check(['--arp-threshold', '100', '--speed', '2'])).toBe('--arp-threshold 100 needs --arp-warn below it; --arp-warn is 240 by default');
  });
});

describe('liveOptionsError', () => {
  const check = (args: string[]): string | null => {
    const { opts, given } = parseLive(args);
    return liveOptionsError(opts, given);
  };

  it('names only the options typed that --tui excludes', () => {
    expect(check(['-i', 'eth0', '--tui', '--json'])).toBe('--tui excludes --json');
    expect(check(['-i', 'eth0', '--tui', '--tail'])).toBe('--tui excludes --tail');
    expect(check(['-i', 'eth0', '--tui', '--tail', '--json'])).toBe('--tui excludes --tail and --json');
    expect(check(['-i', 'eth0', '--tail', '--json'])).toBeNull();
  });

  it('refuses an interface given twice, and the detector options that conflict', () => {
    expect(check(['-i', 'eth0', '-i', 'eth1', '-i', 'eth0'])).toBe('-i eth0 is given twice: each frame would be seen twice');
    expect(check(['-i', 'eth0', '--arp-warn', '400'])).toBe('--arp-warn 400 must be below --arp-threshold; --arp-threshold is 300 by default');
    expect(check(['-i', 'eth0', '-i', 'eth1', '--duration', '5', '--count', '10'])).toBeNull();
  });
});

describe('usage errors on the command line', () => {
  const netgap = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });

  it('print one line naming what was typed, and exit 2 before reading anything', { timeout: 60_000 }, () => {
    expect(
      [
        netgap('read', '--arp-threshold', '100', XP),
        netgap('read', '--json', '--arp-warn', '300', XP),
        netgap('read', '--arp-threshold', '200', '--arp-warn', '250', XP),
        netgap('live', '-i', 'eth0', '--arp-threshold', '100'),
        netgap('live', '-i', 'eth0', '--tui', '--json'),
        netgap('live', '-i', 'lo', '-i', 'lo'),
      ].map((r) => [r.status, r.stdout, r.stderr]),
    ).toStrictEqual([
      [2, '', 'netgap: error: --arp-threshold 100 needs --arp-warn below it; --arp-warn is 240 by default\n'],
      [2, '', 'netgap: error: --arp-warn 300 must be below --arp-threshold; --arp-threshold is 300 by default\n'],
      [2, '', 'netgap: error: --arp-warn 250 must be below --arp-threshold 200\n'],
      [2, '', 'netgap: error: --arp-threshold 100 needs --arp-warn below it; --arp-warn is 240 by default\n'],
      [2, '', 'netgap: error: --tui excludes --json\n'],
      [2, '', 'netgap: error: -i lo is given twice: each frame would be seen twice\n'],
    ]);
  });

  it("escape control characters in what was typed, in netgap's messages and commander's", { timeout: 30_000 }, () => {
    const r = netgap('live', '-i', 'a\x1b[2Jb', '-i', 'a\x1b[2Jb');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('netgap: error: -i a\\x1b[2Jb is given twice: each frame would be seen twice\n');
    const bad = netgap('read', '--arp-threshold', '\x1b]0;owned\x07', XP);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("netgap: error: option '--arp-threshold <seconds>' argument '\\x1b]0;owned\\x07' is invalid. expected a number of seconds > 0\n");
  });

  it("show the engine's defaults in the help", { timeout: 30_000 }, () => {
    const help = netgap('read', '--help').stdout.replace(/\s+/g, ' ');
    expect(help).toContain("--arp-threshold <seconds> the bridge's forwarding-entry lifetime (default: 300)");
    expect(help).toContain('--arp-warn <seconds> warn when a talking station has not ARPed for this long (default: 240)');
  });
});
