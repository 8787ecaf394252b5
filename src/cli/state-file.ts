// The `--state FILE` file: the engine's state as JSON, written whole to a temp file, fsynced and renamed over (never half-written), read leniently (as arpwatch's arp.dat).

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { EngineState } from '../detect/state';
import { checkEngineState } from '../detect/state';
import { writeFileAtomic } from '../output/metrics/textfile';

/** What reading found: a state to restore (or none), and a warning to print when the file was set aside. */
export interface StateRead {
  state: EngineState | null;
  warning: string | null;
}

/** `20261206T193500Z`: when a damaged file was set aside, in its new name. */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Reads the state file. None yet: a fresh start, silently. Not netgap's, a later version's,
 * truncated or damaged: renamed to FILE.bad-TIME, and a warning naming both, then a fresh start.
 * A file that cannot be read at all (permissions) is thrown: that is bad input, not damage.
 */
export function readStateFile(path: string, now = new Date()): StateRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: null, warning: null };
    throw err;
  }
  let why: string | null;
  let data: unknown;
  try {
    data = JSON.parse(text);
    why = checkEngineState(data);
  } catch {
    why = text.trim() === '' ? 'empty' : 'damaged (truncated, or not JSON)';
  }
  if (why === null) return { state: data as EngineState, warning: null };
  const aside = `${path}.bad-${stamp(now)}`;
  renameSync(path, aside);
  return { state: null, warning: `--state ${path}: ${why}; kept as ${aside}, starting with no state` };
}

/** Writes the state durably: temp file, fsync, rename, then fsync of the directory so that the rename survives a power cut. */
export function writeStateFile(path: string, state: EngineState): void {
  writeFileAtomic(path, `${JSON.stringify(state)}\n`, true);
  try {
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some file systems refuse a directory fsync; the rename has still happened.
  }
}

/** Throws the system error when a file cannot be created beside `path` (a start-up check: it writes nothing that stays). */
export function checkWritable(path: string): void {
  const probe = join(dirname(path), `.${basename(path)}.${process.pid}.probe`);
  closeSync(openSync(probe, 'w'));
  unlinkSync(probe);
}
