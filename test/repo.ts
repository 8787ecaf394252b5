// Where the tests find files: from this file's place in the repository, never an absolute path; ../shared sits beside the repository.

import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root (this file is test/repo.ts). */
export const ROOT = join(__dirname, '..');
export const FIXTURES = join(ROOT, 'fixtures');
/** The shared folder beside the repository (a clone has it as ../shared). */
export const SHARED = join(ROOT, '..', 'shared');

/**
 * The shared corpus (../shared/corpus, see its MANIFEST.md). Throws, naming where it looked, when
 * it is absent: a test that needs it fails loudly rather than passing on nothing.
 */
export function sharedCorpus(): string {
  const dir = join(SHARED, 'corpus');
  if (!existsSync(join(dir, 'MANIFEST.md'))) throw new Error(`no shared corpus at ${dir}: it sits beside the repository as ../shared/corpus`);
  return dir;
}
