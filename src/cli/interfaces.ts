// `netgap interfaces`: the devices `netgap live -i` can open, with their addresses (as `tcpdump -D` lists them).

import type { CapAddress, CapDevice } from 'cap';
import { CapMissingError, loadCap } from '../capture/live/cap';
import { sanitize } from '../output/sanitize';
import { EXIT, type ExitCode } from './exit-codes';
import { type Io, processIo } from './io';
import { stderrLine } from '../output/journal';

/** Prefix length of a netmask as inet_ntop prints it (255.255.255.0, ffff:ffff::), or null. */
export function prefixLength(netmask: string | undefined): number | null {
  if (netmask === undefined) return null;
  let bits = 0;
  if (netmask.includes('.')) {
    for (const part of netmask.split('.')) bits += popcount(Number(part));
  } else {
    for (const part of netmask.split(':')) if (part !== '') bits += popcount(parseInt(part, 16));
  }
  return Number.isNaN(bits) ? null : bits;
}

function popcount(n: number): number {
  let c = 0;
  for (let v = n; v > 0; v >>>= 1) c += v & 1;
  return c;
}

function address(a: CapAddress): string {
  const len = prefixLength(a.netmask);
  return `${a.addr ?? '?'}${len === null ? '' : `/${len}`}`;
}

/** One line per device: number, name, addresses, then libpcap's description and flags. */
export function interfaceLines(devices: readonly CapDevice[]): string[] {
  return devices.map((d, i) => {
    const parts = [`${i + 1}. ${d.name}`];
    if (d.addresses.length > 0) parts.push(d.addresses.map(address).join(', '));
    if (d.description !== undefined) parts.push(`(${d.description})`);
    if (d.flags === 'PCAP_IF_LOOPBACK') parts.push('[loopback]');
    return sanitize(parts.join('  '));
  });
}

/** Prints the list; CAPTURE (with the one-line hint) when cap is missing. */
export function runInterfaces(io: Io = processIo()): ExitCode {
  let devices: CapDevice[];
  try {
    devices = loadCap().Cap.deviceList();
  } catch (err) {
    io.stderr.write(stderrLine('err', err instanceof CapMissingError ? err.message : `cannot list interfaces: ${(err as Error).message}`));
    return EXIT.CAPTURE;
  }
  for (const line of interfaceLines(devices)) io.stdout.write(line + '\n');
  return EXIT.OK;
}
