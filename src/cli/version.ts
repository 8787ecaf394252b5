// The version printed by --version, read from the installed package.json.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
