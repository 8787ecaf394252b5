// npm's real behaviour when `cap` cannot build (libpcap's headers hidden in a private mount namespace), and that netgap's advice restores it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAP_MISSING_HINT } from '../../src/capture/live/cap';
import { ROOT } from '../repo';

const HEADERS = ['/usr/include/pcap.h', '/usr/include/pcap'];
const canHide =
  process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0 && HEADERS.every((h) => existsSync(h));
if (!canHide) console.log('skipped: hiding the libpcap headers needs root, unshare -m and libpcap-dev installed (apt-get install libpcap-dev)');

/** The version of cap netgap declares, installed into a project of its own as npm installs netgap's optional dependency. */
const CAP_RANGE = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> }).optionalDependencies.cap!;

const dir = mkdtempSync(join(tmpdir(), 'netgap-capbuild-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm ARGS` in the project, with libpcap's headers hidden (an empty tmpfs over /usr/include/pcap*) when `hidden`. */
function npm(args: string, hidden: boolean): { status: number | null; out: string } {
  const cmd = `cd "${dir}" && npm ${args} --no-audit --no-fund`;
  const hide = HEADERS.map((h) => (h.endsWith('.h') ? `mount --bind /dev/null ${h}` : `mount -t tmpfs none ${h}`)).join(' && ');
  const argv = hidden ? ['unshare', '-m', 'sh', '-c', `${hide} && ${cmd}`] : ['sh', '-c', cmd];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const capBuilt = (): boolean => existsSync(join(dir, 'node_modules', 'cap', 'build', 'Release', 'cap.node'));

describe.skipIf(!canHide)('installing without libpcap headers (a private mount namespace hides them)', () => {
  it('npm install succeeds without cap; npm rebuild cap restores nothing; npm install again with the headers does, as netgap says', {
    timeout: 600_000,
  }, () => {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'netgap-capbuild', version: '1.0.0', private: true, optionalDependencies: { cap: CAP_RANGE } }),
    );

    const first = npm('install', true);
    expect(first.status, first.out).toBe(0);
    expect(existsSync(join(dir, 'node_modules', 'cap'))).toBe(false);

    // The old advice: the headers are back, yet rebuild exits 0 and there is still no cap.
    const rebuild = npm('rebuild cap', false);
    expect(rebuild.status, rebuild.out).toBe(0);
    expect(existsSync(join(dir, 'node_modules', 'cap'))).toBe(false);

    expect(CAP_MISSING_HINT).toMatch(/install libpcap-dev .*then run `npm install` again/);
    const again = npm('install', false);
    expect(again.status, again.out).toBe(0);
    expect(capBuilt()).toBe(true);
  });
});
