// The --state file: written in slices that leave the event loop free, read back to the same state; a damaged file set aside.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStateFile, writeStateFileSliced } from '../../src/cli/state-file';
import { arp, engine, GUEST, ip, udp } from '../detect/facts';

const T0 = 1_700_000_000;

describe('state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-statefile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a table of 1,300 stations is written in slices (the event loop runs between them) and read back whole', async () => {
    const { engine: e } = engine();
    for (let i = 0; i < 1300; i++) e.handleDecoded(arp(GUEST + i, ip('198.51.100.0') + (i % 200)), T0 + i);
    for (let i = 0; i < 1300; i += 3) e.handleDecoded(udp(GUEST + i), T0 + 1500 + i);
    const path = join(dir, 'state.json');
    let done = false;
    const writing = writeStateFileSliced(path, e.stateHead(), e.stationStates()).then(() => (done = true));
    // Other work runs while it writes: it returned to the event loop between slices.
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    await writing;
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(readStateFile(path)).toEqual({ state: JSON.parse(JSON.stringify(e.toState())), warning: null });
  });

  it('no file yet: no state and no warning; a damaged one is renamed aside with the time', () => {
    expect(readStateFile(join(dir, 'none.json'))).toEqual({ state: null, warning: null });
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"format":"netgap-state"');
    const r = readStateFile(path, new Date('2026-12-06T19:35:00.123Z'));
    expect(r).toEqual({
      state: null,
      warning: `--state ${path}: damaged (truncated, or not JSON); kept as ${path}.bad-20261206T193500Z, starting with no state`,
    });
  });
});
