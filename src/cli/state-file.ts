// The `--state FILE` file: the engine's state as JSON, written to a temp file, fsynced and renamed over (never half-written), read leniently (as arpwatch's arp.dat).

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { EngineState, StationState } from '../detect/state';
import { checkEngineState } from '../detect/state';

/** What reading found: a state to restore (or none), and a warning to print when the file was set aside. */
export interface StateRead {
  state: EngineState | null;
  warning: string | null;
}

/** `20261206T193500Z`: when a damaged file was set aside, in its new name. */
function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
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

/** Stations serialised between two returns to the event loop: a few milliseconds of work. */
const STATIONS_PER_SLICE = 512;

/**
 * Writes the state durably: a temp file, fsync, rename, then fsync of the directory so that the
 * rename survives a power cut. The stations are serialised and written a slice at a time, and the
 * event loop runs between slices, so that a full table (65,536 stations, tens of MB) does not
 * stall a live capture for seconds.
 */
export async function writeStateFileSliced(path: string, head: Omit<EngineState, 'stations'>, stations: Iterable<StationState>): Promise<void> {
  const empty = JSON.stringify({ ...head, stations: [] });
  const cut = empty.lastIndexOf('[]') + 1;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o640);
  try {
    let piece = empty.slice(0, cut);
    let n = 0;
    for (const st of stations) {
      piece += (n > 0 ? ',' : '') + JSON.stringify(st);
      if (++n % STATIONS_PER_SLICE === 0) {
        writeSync(fd, piece);
        piece = '';
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    writeSync(fd, `${piece}${empty.slice(cut)}\n`);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  syncDirectory(path);
}

function syncDirectory(path: string): void {
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
