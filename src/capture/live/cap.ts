// Loads the optional `cap` binding (libpcap/Npcap) on demand, and maps its link-type names to LINKTYPE_* (tcpdump.org linktypes.html).

import type * as CapModule from 'cap';
import { LINKTYPE } from '../../frame';

export type CapBinding = typeof CapModule;

/**
 * What to do when `cap` cannot be loaded, in one line. `cap` is an optional dependency built from
 * source at install: without libpcap's headers the build fails, `npm install` still succeeds and
 * leaves `cap` out, and `npm rebuild cap` then finds nothing to rebuild; `npm install` again, once
 * the headers are there, builds it (test/live/cap-build.test.ts). `read` never needs it.
 */
export const CAP_MISSING_HINT =
  process.platform === 'win32'
    ? 'live capture needs the optional module `cap`: install Npcap (https://npcap.com, with "WinPcap API-compatible mode") and the Visual Studio C++ build tools, then run `npm install` again in the netgap directory; or install Wireshark, whose dumpcap netgap uses without any build'
    : 'live capture needs the optional module `cap`, which builds against libpcap: install libpcap-dev (Debian/Ubuntu; libpcap-devel on Fedora/RHEL), then run `npm install` again in the netgap directory; or install dumpcap (Debian/Ubuntu: apt-get install tshark), which needs no build';

/** `cap` is not installed or did not build. */
export class CapMissingError extends Error {
  constructor(cause: unknown) {
    super(CAP_MISSING_HINT, { cause });
    this.name = 'CapMissingError';
  }
}

let loaded: CapBinding | null = null;

/**
 * `require('cap')` on first use, so that loading netgap (and `netgap read`) never touches it.
 * Throws CapMissingError when it is absent or its native part fails to load.
 */
export function loadCap(): CapBinding {
  if (loaded !== null) return loaded;
  try {
    loaded = require('cap') as CapBinding;
  } catch (err) {
    throw new CapMissingError(err);
  }
  return loaded;
}

/** DLT_RAW is 12 on most systems and 14 on OpenBSD; both are LINKTYPE_RAW in files (pcap-common.c). */
const DLT_RAW_VALUES: readonly number[] = [12, 14];
const LINKTYPE_IEEE802_11_RADIOTAP = 127;

/**
 * cap's `open()` result as a LINKTYPE_* number, or -1 when it names none. cap names five DLTs
 * and prints any other as "Unknown linktype N" with the DLT value, which equals the LINKTYPE
 * value except for DLT_RAW (pcap-common.c's dlt_to_linktype).
 */
export function linkTypeOf(capName: string): number {
  switch (capName) {
    case 'ETHERNET':
      return LINKTYPE.ETHERNET;
    case 'NULL':
      return LINKTYPE.NULL;
    case 'LINKTYPE_LINUX_SLL':
      return LINKTYPE.LINUX_SLL;
    case 'RAW':
      return LINKTYPE.RAW;
    case 'IEEE802_11_RADIO':
      return LINKTYPE_IEEE802_11_RADIOTAP;
  }
  const m = /^Unknown linktype (\d+)$/.exec(capName);
  if (m === null) return -1;
  const dlt = Number(m[1]);
  return DLT_RAW_VALUES.includes(dlt) ? LINKTYPE.RAW : dlt;
}
