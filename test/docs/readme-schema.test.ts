// The README's NDJSON tables must name exactly the fields the schema types declare (docs that can drift are tested).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/** Property names of a type, by name, as the compiler sees them (inherited ones included). */
function properties(file: string, typeName: string): Set<string> {
  const program = ts.createProgram([join(ROOT, file)], { strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(ROOT, file));
  if (!source) throw new Error(`cannot read ${file}`);
  let found: ts.Type | undefined;
  source.forEachChild((node) => {
    if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.name.text === typeName) {
      found = checker.getTypeAtLocation(node.name);
    }
  });
  if (!found) throw new Error(`no type ${typeName} in ${file}`);
  const types = found.isUnion() ? found.types : [found];
  return new Set(types.flatMap((t) => checker.getPropertiesOfType(t).map((p) => p.name)));
}

/** Field names in the first column of every table under a README heading, up to the next heading of that level. */
function documented(heading: string, level: number): Set<string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${'#'.repeat(level)} ${heading}\n`);
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  const rest = readme.slice(start + 1);
  const next = rest.slice(1).search(new RegExp(`\\n#{1,${level}} `));
  const section = next < 0 ? rest : rest.slice(0, next + 1);
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1];
    if (first === undefined) continue;
    for (const m of first.matchAll(/`([a-z_]+)`/g)) names.add(m[1]!);
  }
  return names;
}

const sorted = (s: Set<string>) => [...s].sort();

describe('README NDJSON schema', () => {
  it('documents exactly the alert fields that src/detect/alerts.ts declares, plus what output adds', () => {
    const declared = properties('src/detect/alerts.ts', 'Alert');
    for (const added of ['type', 'time', 'message', 'advice', 'host']) declared.add(added);
    expect(sorted(documented('Alerts', 3))).toEqual(sorted(declared));
  });

  it('documents exactly the summary, station, blackout and outage fields that src/detect declares', () => {
    const declared = properties('src/detect/summary.ts', 'Summary');
    declared.add('type');
    for (const f of properties('src/detect/summary.ts', 'StationSummary')) declared.add(f);
    for (const f of properties('src/detect/summary.ts', 'BlackoutSummary')) declared.add(f);
    for (const f of properties('src/detect/summary.ts', 'OutageSummary')) declared.add(f);
    declared.add('vendor');
    declared.add('host');
    expect(sorted(documented('Summary', 3))).toEqual(sorted(declared));
  });

  it('documents exactly the live capture statistics that src/detect/capture-health.ts declares', () => {
    const declared = properties('src/detect/capture-health.ts', 'CaptureSummary');
    for (const f of properties('src/detect/capture-health.ts', 'CaptureInterfaceSummary')) declared.add(f);
    expect(sorted(documented('Live capture statistics', 3))).toEqual(sorted(declared));
  });
});
