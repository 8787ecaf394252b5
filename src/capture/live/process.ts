// One capture process (child.ts) as the parent sees it: spawned at a high priority, stopped gently, its stderr lines sorted.

import { spawn } from 'node:child_process';
import type { ChildProcess, ChildProcessByStdio } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { CaptureErrorLine, CaptureProcessConfig } from './stream';
import { CAPTURE_ERROR_PREFIX } from './stream';

export type CaptureChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** How long a capture process may take to stop before it is killed. */
const STOP_TIMEOUT_MS = 3000;
/**
 * The capture process's priority (nice). On a busy machine it must drain the ring before anything
 * else runs, the analysis included (which has its own queue in between), or the ring overflows.
 * Setting it needs root; without, it stays at the normal priority.
 */
const CAPTURE_NICE = -10;
/** libpcap's pcap_lookupnet() warning, printed from C by cap for a device with no IPv4 address: harmless here. */
const LOOKUPNET_WARNING = /^Warning: .* - This may not actually work$/;
/** cap's assertion when the device disappears under it (binding.cc cb_packets); the abort that follows is expected. */
const CAP_POLL_ASSERTION = /Assertion `status == 0' failed/;

const CHILD_SCRIPT = join(__dirname, 'child.js');

export function spawnCaptureProcess(config: CaptureProcessConfig): CaptureChild {
  const child = spawn(process.execPath, [CHILD_SCRIPT, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  raisePriority(child);
  return child;
}

/** Runs a capture process (netgap's own, or dumpcap) before anything else: see CAPTURE_NICE. */
export function raisePriority(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    setPriority(child.pid, CAPTURE_NICE);
  } catch {
    // Not root (setcap'd node has no CAP_SYS_NICE): it runs at the normal priority.
  }
}

/**
 * Asks the process to stop after sending what it has; kills it if it does not within
 * STOP_TIMEOUT_MS. `signalOnWindows`: it has no other way to be asked there (dumpcap).
 */
export function stopCaptureProcess(child: ChildProcess, signalOnWindows = false): void {
  // Closing stdin asks it to stop; on Windows kill() would terminate it before it sent its last records.
  child.stdin?.end();
  if (process.platform !== 'win32' || signalOnWindows) child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  child.once('close', () => clearTimeout(kill));
}

/** What a stderr line of a capture process says. */
export type StderrLine =
  | { readonly kind: 'error'; readonly error: CaptureErrorLine }
  | { readonly kind: 'device-gone' }
  | { readonly kind: 'harmless' }
  | { readonly kind: 'other' };

export function classifyStderrLine(line: string): StderrLine {
  if (line.startsWith(CAPTURE_ERROR_PREFIX)) {
    try {
      return { kind: 'error', error: JSON.parse(line.slice(CAPTURE_ERROR_PREFIX.length)) as CaptureErrorLine };
    } catch {
      return { kind: 'other' };
    }
  }
  if (LOOKUPNET_WARNING.test(line)) return { kind: 'harmless' };
  if (CAP_POLL_ASSERTION.test(line)) return { kind: 'device-gone' };
  return { kind: 'other' };
}

export function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `the capture process was killed by ${signal}` : `the capture process exited with code ${code ?? '?'}`;
}
