// Where Wireshark's dumpcap is installed (PATH, then the Wireshark packages' places), and what to say when it is not.

import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where to look for dumpcap, in order: PATH, then where the Wireshark packages install it. */
export function dumpcapCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  const exe = platform === 'win32' ? 'dumpcap.exe' : 'dumpcap';
  const path = (platform === 'win32' ? (env.Path ?? env.PATH) : env.PATH) ?? '';
  const sep = platform === 'win32' ? ';' : delimiter;
  const onPath = path
    .split(sep)
    .filter((d) => d !== '')
    .map((d) => (platform === 'win32' ? `${d.replace(/[\\/]+$/, '')}\\${exe}` : join(d, exe)));
  if (platform === 'win32') {
    // The Wireshark installer puts dumpcap beside Wireshark.exe, in Program Files, and does not add it to PATH.
    const roots = [env.ProgramFiles, env['ProgramFiles(x86)'], env.ProgramW6432].filter((r): r is string => r !== undefined && r !== '');
    return [...onPath, ...roots.map((r) => `${r.replace(/[\\/]+$/, '')}\\Wireshark\\${exe}`)];
  }
  if (platform === 'darwin') return [...onPath, '/Applications/Wireshark.app/Contents/MacOS/dumpcap'];
  // Debian's wireshark-common installs /usr/bin/dumpcap; sbin is not on every user's PATH.
  return [...onPath, '/usr/bin/dumpcap', '/usr/sbin/dumpcap', '/usr/local/bin/dumpcap'];
}

/** What to do when `--capture-engine dumpcap` finds none, in one line. */
export const DUMPCAP_MISSING_HINT =
  process.platform === 'win32'
    ? '--capture-engine dumpcap: dumpcap.exe not found on PATH nor in Program Files\\Wireshark: install Wireshark (with Npcap), or use --capture-engine cap'
    : '--capture-engine dumpcap: dumpcap not found on PATH nor in /usr/bin: install it (Debian/Ubuntu: apt install wireshark-common; Fedora: dnf install wireshark-cli), or use --capture-engine cap';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The dumpcap to run, or null when none is installed. */
export function locateDumpcap(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = isFile,
): string | null {
  return dumpcapCandidates(platform, env).find(exists) ?? null;
}
