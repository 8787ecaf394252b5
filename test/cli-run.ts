// Runs the built CLI as a user does, for the end-to-end tests: one place for its path and how it is started.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './repo';

/** The built CLI: `npm test` builds it first (pretest), so tests run the real binary. */
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when a signal (or the timeout) ended it. */
  status: number | null;
}

export interface CliOptions {
  /** Standard input. */
  input?: Buffer | string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Node options placed before the CLI's path (e.g. `-r preload.js`). */
  nodeArgs?: readonly string[];
}

/** `node dist/cli/main.js ...args` with this Node, run to its end, output as UTF-8 text. */
export function runCli(args: readonly string[], opts: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), CLI, ...args], {
    input: opts.input,
    env: opts.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** The command line that starts the CLI with this Node, for a test that spawns it itself (a stream, a shell, a namespace). */
export function cliCommand(args: readonly string[]): string[] {
  return [process.execPath, CLI, ...args];
}
