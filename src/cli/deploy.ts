// `netgap deploy ...`: prints the files a service deployment needs (Prometheus rules, an Alertmanager route, rsyslog, logrotate, a systemd unit, a WinSW service), shipped inside the package.

import { type Command, InvalidArgumentError } from 'commander';

/** Printable ASCII without quotes, backslashes or spaces: what every printed file can hold as it is. */
const PLAIN = /^[!#-[\]-~]+$/;

function plain(what: string): (text: string) => string {
  return (text) => {
    if (!PLAIN.test(text)) throw new InvalidArgumentError(`expected ${what} (printable ASCII, no spaces, quotes or backslashes)`);
    return text;
  };
}

function absolutePath(text: string): string {
  plain('an absolute path')(text);
  if (!text.startsWith('/')) throw new InvalidArgumentError('expected an absolute path');
  return text;
}

/** A Windows path as a service configuration holds it: drive-absolute or UNC, printable, no quotes. */
function windowsPath(text: string): string {
  if (!/^([A-Za-z]:\\|\\\\)[ -!#-~]*$/.test(text))
    throw new InvalidArgumentError('expected an absolute Windows path (C:\\... or \\\\server\\...), printable, without quotes');
  return text;
}

function collect(value: string, previous: string[] = []): string[] {
  if (!/^[ -!#-~]+$/.test(value)) throw new InvalidArgumentError('expected a device name (printable, without quotes)');
  return [...previous, value];
}

function account(text: string): 'LocalService' | 'LocalSystem' {
  if (text !== 'LocalService' && text !== 'LocalSystem') throw new InvalidArgumentError('expected LocalService or LocalSystem');
  return text;
}

function webhook(text: string): string {
  plain('an http(s) URL')(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError('expected an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http(s) URL');
  return text;
}

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a port from 1 to 65535');
  return n;
}

function print(text: string): void {
  process.stdout.write(text);
}

/** Adds `deploy` and its subcommands to the program; each loads its file's module only when it runs. */
export function addDeployCommand(program: Command): void {
  const deploy = program
    .command('deploy')
    .description(
      'print a file for running netgap as a service: Prometheus rules, an Alertmanager route, rsyslog forwarding, logrotate, a systemd unit, a WinSW Windows service',
    );

  deploy
    .command('prometheus-rules')
    .description("alerting rules over netgap's metrics (a station cut off or near it, blackouts, quarantine, capture loss, no packets, netgap down)")
    .action(async () => print((await import('../deploy/prometheus-rules')).prometheusRules()));

  deploy
    .command('alertmanager')
    .description("an example Alertmanager route and webhook receiver for netgap's alerts")
    .option('--webhook <url>', 'where the example receiver posts', webhook)
    .action(async (o: { webhook?: string }) => {
      const m = await import('../deploy/alertmanager');
      print(m.alertmanagerConfig({ webhookUrl: o.webhook }));
    });

  deploy
    .command('rsyslog')
    .description('rsyslog configuration: tail the NDJSON alert log (--output) and forward each record as RFC 5424 over TCP')
    .option('--file <path>', 'the NDJSON file netgap writes', absolutePath)
    .option('--target <host>', 'the syslog collector', plain('a host name or address'))
    .option('--port <n>', 'its TCP port', port)
    .action(async (o: { file?: string; target?: string; port?: number }) => print((await import('../deploy/rsyslog')).rsyslogConfig(o)));

  deploy
    .command('logrotate')
    .description("logrotate configuration for the unit's NDJSON alert log (--output): rotated weekly, netgap reopens it on reload")
    .option('--file <path>', 'the file netgap writes', absolutePath)
    .action(async (o: { file?: string }) => print((await import('../deploy/logrotate')).logrotateConfig(o)));

  deploy
    .command('systemd')
    .description('a hardened systemd unit for `netgap live` (unprivileged, CAP_NET_RAW and CAP_NET_ADMIN only)')
    .option('--exec <path>', 'where the netgap command is installed', absolutePath)
    .action(async (o: { exec?: string }) => print((await import('../deploy/systemd')).systemdUnit(o)));

  deploy
    .command('winsw')
    .description('a WinSW 2.x configuration that runs `netgap live` as a Windows service (LocalService, restart on failure, Ctrl+C on stop)')
    .option('-i, --interface <device>', 'an Npcap device from `netgap interfaces`; repeat for several', collect)
    .option('--node <path>', 'node.exe', windowsPath)
    .option('--script <path>', "netgap's dist\\cli\\main.js", windowsPath)
    .option('--dir <path>', 'the folder of the alert log and the state file', windowsPath)
    .option('--textfile <path>', "windows_exporter's textfile (--metrics-textfile), e.g. in its textfile_inputs", windowsPath)
    .option('--account <name>', 'LocalService, or LocalSystem where Npcap is restricted to Administrators', account)
    .action(async (o: { interface?: string[]; node?: string; script?: string; dir?: string; textfile?: string; account?: 'LocalService' | 'LocalSystem' }) => {
      const { interface: interfaces, ...rest } = o;
      print((await import('../deploy/winsw')).winswConfig({ interfaces, ...rest }));
    });
}
