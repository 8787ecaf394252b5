#!/usr/bin/env node
// netgap's command line: `read` analyses captures, `live` watches interfaces; each command lives in its own module.

// A plain `#!/usr/bin/env node`: npm's cmd-shim reads this line to write netgap.cmd and netgap.ps1 on Windows, so no start-up flag can ride on it.

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_BUFFER_MIB, MAX_BUFFER_MIB } from './buffer-size';
import type { LiveOptions } from './live';
import type { ReadOptions } from './read';
import { readPackageVersion } from './version';

// Each command's module is loaded when that command runs: `read` then loads neither live capture
// nor the dashboard (blessed), whose loading took longer than reading a small capture.

/** Exit codes, as documented in the README. */
export const EXIT = { OK: 0, ALERTED: 1, USAGE: 2 } as const;

function seconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds > 0');
  return n;
}

function speed(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0 (0: as fast as possible)');
  return n;
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

function mebibytes(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BUFFER_MIB) throw new InvalidArgumentError(`expected a whole number of MiB from 1 to ${MAX_BUFFER_MIB}`);
  return n;
}

/** Repeatable options (`-i a -i b`) gather into a list. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The detectors' options, the same for `read` and `live` (README: the `netgap read` options table). */
function detectorOptions(c: Command): Command {
  return c
    .option('--arp-threshold <seconds>', "the bridge's forwarding-entry lifetime", seconds, 300)
    .option('--arp-warn <seconds>', 'warn when a talking station has not ARPed for this long', seconds, 240)
    .option('--max-stations <n>', 'cap of the station table (the oldest are evicted beyond it)', count, 65536)
    .option('--response-timeout <seconds>', 'a request with no answer after this long counts as unanswered', seconds, 1)
    .option('--blackout-min <seconds>', 'unanswered requests to a host must span this long to make a blackout', seconds, 1)
    .option('--max-hosts <n>', 'cap of the tables of answering hosts and of announcing MACs (the oldest are evicted beyond it)', count, 65536)
    .option('--max-requests <n>', 'cap of the table of requests waiting for an answer (the oldest are evicted beyond it)', count, 65536);
}

function program(): Command {
  const cmd = new Command('netgap')
    .description('Find the outages ordinary monitoring misses on virtual switches: ARP-refresh gaps (KB2832644) and post-migration blackouts.')
    .version(readPackageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.startsWith('error:') ? `netgap: ${text}` : text) });

  detectorOptions(
    cmd
      .command('read')
      .description('analyse capture files (pcap, pcapng, gzip-compressed or not; - for stdin) as one timeline')
      .argument('<file...>', 'capture files, read in the order given; - reads standard input')
      .option('--json', 'write NDJSON: one alert object per line, then one summary object'),
  )
    .addOption(new Option('--fail-on <severity>', 'exit 1 when an alert of this severity or worse was raised').choices(['warning', 'critical']))
    .option('--tui', 'replay in the terminal dashboard, which stays open at the end until q')
    .option('--speed <n>', 'with --tui: replay at n times real time from packet timestamps (0: as fast as possible)', speed)
    .action(async (files: string[], opts: ReadOptions & { tui?: boolean; speed?: number }) => {
      if (opts.arpWarn >= opts.arpThreshold) cmd.error('error: --arp-warn must be lower than --arp-threshold', { exitCode: EXIT.USAGE });
      if (opts.tui !== true) {
        if (opts.speed !== undefined) cmd.error('error: --speed needs --tui', { exitCode: EXIT.USAGE });
        process.exitCode = await (await import('./read')).runRead(files, opts);
        return;
      }
      if (opts.json === true) cmd.error('error: --tui and --json exclude each other', { exitCode: EXIT.USAGE });
      if (files.includes('-')) cmd.error('error: --tui reads its keys from the terminal: give capture files, not -', { exitCode: EXIT.USAGE });
      if (process.stdout.isTTY !== true || process.stdin.isTTY !== true) cmd.error('error: --tui needs a terminal', { exitCode: EXIT.USAGE });
      process.exitCode = await (await import('./replay')).runReplay(files, { ...opts, speed: opts.speed ?? 1 });
    });

  detectorOptions(
    cmd
      .command('live')
    .description('capture on host interfaces (libpcap, or Npcap on Windows) and print alerts as they happen; ^C prints the summary')
    .requiredOption('-i, --interface <name>', 'capture on this device; repeat for several (`netgap interfaces` lists them)', collect)
    .option('--filter <bpf>', 'capture what this pcap-filter expression keeps, plus every ARP and RARP frame (the detectors need those)')
    .option('--buffer-size <MiB>', 'capture buffer of each interface (the kernel ring on Linux)', mebibytes, DEFAULT_BUFFER_MIB)
    .option('--count <n>', 'stop after n frames', count)
    .option('--duration <seconds>', 'stop after this long', seconds)
    .option('--write <file>', 'also write the captured frames to this file (pcap; pcapng if it ends in .pcapng), with the same timestamps')
    .option('--json', 'write NDJSON: one alert object per line, then one summary object')
    .option('--tui', 'open the dashboard even when stdout is not a terminal')
    .option('--tail', 'print alert lines even on a terminal (the dashboard opens there by default)')
    .option('--user <name>', 'once the interfaces are open, drop root and run as this user (as tcpdump -Z does)')
    .option('--no-retry', 'exit when an interface goes away, instead of reopening it every 3 s')
    .option('--idle <seconds>', 'raise capture-idle when nothing was captured on an interface for this long', seconds, 60),
  ).action(async (opts: LiveOptions) => {
      if (opts.arpWarn >= opts.arpThreshold) cmd.error('error: --arp-warn must be lower than --arp-threshold', { exitCode: EXIT.USAGE });
      if (opts.tui === true && (opts.tail === true || opts.json === true)) cmd.error('error: --tui excludes --tail and --json', { exitCode: EXIT.USAGE });
      process.exitCode = await (await import('./live')).runLive(opts);
    });

  cmd
    .command('interfaces')
    .description('list the devices `netgap live -i` can capture on, with their addresses')
    .action(async () => {
      process.exitCode = (await import('./interfaces')).runInterfaces();
    });
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
