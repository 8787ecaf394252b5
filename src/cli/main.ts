#!/usr/bin/env node
// netgap's command line: `read` analyses captures, `live` watches interfaces; each command lives in its own module.

// A plain `#!/usr/bin/env node`: npm's cmd-shim reads this line to write netgap.cmd and netgap.ps1 on Windows, so no start-up flag can ride on it.

import { Command, CommanderError } from 'commander';
import { sanitize } from '../output/sanitize';
import { addDeployCommand } from './deploy';
import { EXIT } from './exit-codes';
import { addLiveOptions, addReadOptions, givenOn, liveOptionsError, readOptionsError, type LiveOptions, type ReadOptions } from './options';
import { readPackageVersion } from './version';
import { priorityPrefix } from '../output/journal';

// Each command's module is loaded when that command runs: `read` then loads neither live capture
// nor the dashboard (blessed).

function program(): Command {
  const cmd = new Command('netgap')
    .description('Find the outages ordinary monitoring misses on virtual switches: ARP-refresh gaps (KB2832644) and post-migration blackouts.')
    .version(readPackageVersion(), '-V, --version')
    .exitOverride()
    // Commander's messages quote what was typed: escaped like every other line netgap prints.
    .configureOutput({
      outputError: (text, write) => write((text.startsWith('error:') ? `${priorityPrefix('err')}netgap: ${text}` : text).split('\n').map(sanitize).join('\n')),
    });

  /** A usage error: one line, exit 2. */
  const usage = (text: string): never => cmd.error(`error: ${text}`, { exitCode: EXIT.USAGE });

  addReadOptions(
    cmd
      .command('read')
      .description('analyse capture files (pcap, pcapng, gzip-compressed or not; - for stdin) as one timeline')
      .argument('<file...>', 'capture files, read in the order given; - reads standard input'),
  ).action(async (files: string[], opts: ReadOptions, command: Command) => {
    const terminal = process.stdout.isTTY === true && process.stdin.isTTY === true;
    const error = readOptionsError(files, opts, givenOn(command), terminal);
    if (error !== null) usage(error);
    if (opts.tui === true) process.exitCode = await (await import('./replay')).runReplay(files, { ...opts, speed: opts.speed ?? 1 });
    else process.exitCode = await (await import('./read')).runRead(files, opts);
  });

  addLiveOptions(
    cmd.command('live').description('capture on host interfaces (libpcap, or Npcap on Windows) and print alerts as they happen; ^C prints the summary'),
  ).action(async (opts: LiveOptions, command: Command) => {
    const error = liveOptionsError(opts, givenOn(command));
    if (error !== null) usage(error);
    process.exitCode = await (await import('./live')).runLive(opts);
  });

  cmd
    .command('interfaces')
    .description('list the devices `netgap live -i` can capture on, with their addresses')
    .action(async () => {
      process.exitCode = (await import('./interfaces')).runInterfaces();
    });

  addDeployCommand(cmd);
  return cmd;
}

async function main(): Promise<void> {
  try {
    await program().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with code 0; a usage error has already been printed.
      process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    throw err;
  }
}

void main();
