// ReopeningFile: logrotate's move-then-SIGHUP, and a directory that vanished (keep writing to what is open).

import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineWriter } from '../../src/output/line-writer';
import { ReopeningFile } from '../../src/output/reopening-file';

describe('ReopeningFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netgap-reopen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends; after the file is moved away, writes reach the old file until reopen, then a new file at the path', () => {
    const path = join(dir, 'alerts.ndjson');
    const f = new ReopeningFile(path);
    const out = new LineWriter(f);
    out.line('one');
    out.flush();
    renameSync(path, `${path}.1`);
    out.line('two');
    out.flush();
    expect(f.reopen()).toBeNull();
    out.line('three');
    out.flush();
    f.end();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('one\ntwo\n');
    expect(readFileSync(path, 'utf8')).toBe('three\n');
    // Appends, never truncates: a restart keeps what was written.
    const again = new ReopeningFile(path);
    again.write('four\n');
    again.end();
    expect(readFileSync(path, 'utf8')).toBe('three\nfour\n');
  });

  it('a reopen whose directory vanished returns the error and keeps the file it had', () => {
    const sub = mkdtempSync(join(dir, 'gone-'));
    const f = new ReopeningFile(join(sub, 'alerts.ndjson'));
    f.write('kept\n');
    const moved = `${sub}-moved`;
    renameSync(sub, moved);
    const err = f.reopen();
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
    f.write('still kept\n');
    f.end();
    expect(readFileSync(join(moved, 'alerts.ndjson'), 'utf8')).toBe('kept\nstill kept\n');
  });

  it('throws at once for a path that cannot be opened', () => {
    expect(() => new ReopeningFile(join(dir, 'none', 'x.ndjson'))).toThrow(/ENOENT/);
  });
});
