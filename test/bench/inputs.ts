// The bench's input files: generated once into a temporary folder (never the repository), reused while the generator is unchanged.

import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { PcapngWriter, PcapWriter } from '../../src/capture/file/writer';
import { LINKTYPE } from '../../src/frame';
import type { FrameWriter, GenStats } from './generate';
import { writeArpFlood, writeEchoFlood, writeHypervCapture } from './generate';
import {
  DEEP_FLOOD_STATIONS,
  DEEP_FLOOD_VLANS,
  FLOODS_VERSION,
  IDB_FLOOD_BLOCKS,
  SECTION_FLOOD_SECTIONS,
  TABLES_FLOOD_ENTRIES,
  writeIdbFlood,
  writeSectionFlood,
  writeTablesFlood,
} from './floods';

/**
 * Bumped whenever the generator's output changes, so that a folder of older files is rebuilt
 * rather than measured. (The files are deterministic: same version, same bytes.)
 */
export const GENERATOR_VERSION = 2;

/** The busy vSwitch: this many VMs make about a million frames (~560 MB) an hour. */
export const HYPERV_STATIONS = 1600;
const HOUR_S = 3600;
/** The "10x" file: the same switch for ten hours. */
const LONG_HOURS = 10;
const LONG_NAME = `hyperv-${LONG_HOURS}h.pcap`;
/** Frames in each flood. */
export const FLOOD_FRAMES = 1_000_000;
/** The snaplen of the cut copy: enough for Ethernet + VLAN + IPv4 + TCP headers, as `tcpdump -s 96`. */
export const CUT_SNAPLEN = 96;

export type InputFormat = 'pcap' | 'pcapng' | 'pcap.gz' | 'pcapng.gz';

export interface BenchInput {
  /** File name in the bench folder, also the row label. */
  name: string;
  /** What it is, for the table's notes. */
  what: string;
  format: InputFormat;
  /** Frames in the file. */
  frames: number;
  /** ARP frames among them (tagged or not): what `tcpdump 'arp or (vlan and arp)'` prints. */
  arpFrames: number;
  /** Size on disk, bytes. */
  bytes: number;
  /** Path. */
  file: string;
}

interface Manifest {
  version: number;
  inputs: Omit<BenchInput, 'file'>[];
}

const MANIFEST = 'manifest.json';

/** One capture written by one generator call to one or more files at once. */
interface Product {
  name: string;
  what: string;
  format: InputFormat;
}

function openWriter(path: string, make: (fd: number) => PcapWriter | PcapngWriter): { writer: PcapWriter | PcapngWriter; close: () => void } {
  const fd = openSync(path, 'w');
  const writer = make(fd);
  return {
    writer,
    close: () => {
      writer.flush();
      closeSync(fd);
    },
  };
}

/** Runs `generate` once, writing the same frames to every product's file; returns the products as inputs. */
function writeAll(
  dir: string,
  products: readonly Product[],
  makers: readonly ((fd: number) => PcapWriter | PcapngWriter)[],
  generate: (w: readonly FrameWriter[]) => GenStats,
): BenchInput[] {
  const opened = products.map((p, i) => openWriter(join(dir, p.name), makers[i]!));
  let stats: GenStats;
  try {
    stats = generate(opened.map((o) => o.writer));
  } finally {
    for (const o of opened) o.close();
  }
  return products.map((p) => ({ ...p, frames: stats.frames, arpFrames: stats.arpFrames, bytes: statSync(join(dir, p.name)).size, file: join(dir, p.name) }));
}

const pcap = (fd: number): PcapWriter => new PcapWriter(fd, { linkType: LINKTYPE.ETHERNET });

async function gzip(from: string, to: string): Promise<void> {
  // Level 6, gzip(1)'s default: what a user's `gzip capture.pcap` makes.
  await pipeline(createReadStream(from), createGzip({ level: 6 }), createWriteStream(to));
}

/**
 * The inputs in `dir`: read from its manifest when it was written by this generator version (and
 * holds the 10x file if `long` asks for it), generated otherwise. `log` reports progress.
 */
export async function prepareInputs(dir: string, long: boolean, log: (line: string) => void): Promise<BenchInput[]> {
  const manifestPath = join(dir, MANIFEST);
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const inputs = m.inputs.map((i) => ({ ...i, file: join(dir, i.name) }));
    const complete = inputs.every((i) => existsSync(i.file) && statSync(i.file).size === i.bytes);
    const isLong = (i: BenchInput): boolean => i.name.startsWith(LONG_NAME);
    if (m.version === GENERATOR_VERSION && complete && (!long || inputs.some(isLong))) {
      log(`reusing the inputs in ${dir}`);
      return long ? inputs : inputs.filter((i) => !isLong(i));
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const inputs: BenchInput[] = [];
  const hour = (w: readonly FrameWriter[]): GenStats => writeHypervCapture(w, { stations: HYPERV_STATIONS, seconds: HOUR_S });

  log(`generating into ${dir}: 1 h of ${HYPERV_STATIONS} VMs as pcap, 96-byte-snaplen pcap and pcapng ...`);
  inputs.push(
    ...writeAll(
      dir,
      [
        { name: 'hyperv-1h.pcap', what: `1 h of a busy Hyper-V vSwitch: ${HYPERV_STATIONS} VMs, a quarter of them on 802.1Q VLANs`, format: 'pcap' },
        { name: 'hyperv-1h-snap96.pcap', what: `the same frames cut to a ${CUT_SNAPLEN}-byte snaplen`, format: 'pcap' },
        { name: 'hyperv-1h.pcapng', what: 'the same frames as pcapng (EPBs, µs resolution)', format: 'pcapng' },
      ],
      [
        pcap,
        (fd) => new PcapWriter(fd, { linkType: LINKTYPE.ETHERNET, snapLen: CUT_SNAPLEN }),
        (fd) => new PcapngWriter(fd, [{ linkType: LINKTYPE.ETHERNET }]),
      ],
      hour,
    ),
  );
  log('compressing hyperv-1h.pcap with gzip -6 ...');
  const plain = inputs[0]!;
  const gz = `${plain.name}.gz`;
  await gzip(plain.file, join(dir, gz));
  inputs.push({ ...plain, name: gz, what: 'the same file, gzip-compressed', format: 'pcap.gz', bytes: statSync(join(dir, gz)).size, file: join(dir, gz) });

  if (long) {
    log(`generating the 10x file: ${LONG_HOURS} h of the same switch ...`);
    const tenHours = (w: readonly FrameWriter[]): GenStats => writeHypervCapture(w, { stations: HYPERV_STATIONS, seconds: LONG_HOURS * HOUR_S });
    inputs.push(
      ...writeAll(dir, [{ name: LONG_NAME, what: `${LONG_HOURS} h of the same switch: is cost linear, is memory flat?`, format: 'pcap' }], [pcap], tenHours),
    );
  }

  log('generating the floods ...');
  inputs.push(
    ...writeAll(
      dir,
      [{ name: 'arp-flood.pcap', what: `${FLOOD_FRAMES / 1e6}M ARP requests at 100 kpps, each from a new random MAC`, format: 'pcap' }],
      [pcap],
      (w) => writeArpFlood(w, FLOOD_FRAMES),
    ),
    ...writeAll(
      dir,
      [{ name: 'echo-flood.pcap', what: `${FLOOD_FRAMES / 1e6}M ICMP echo requests at 100 kpps to random IPv4 addresses, none answered`, format: 'pcap' }],
      [pcap],
      (w) => writeEchoFlood(w, FLOOD_FRAMES),
    ),
  );

  const manifest: Manifest = { version: GENERATOR_VERSION, inputs: inputs.map(({ file: _file, ...rest }) => rest) };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return inputs;
}

const FLOODS_MANIFEST = 'floods.json';

/**
 * The hostile inputs of the memory rows (floods.ts), in `dir` beside the others, with their own
 * manifest: read from it when written by this FLOODS_VERSION, generated otherwise.
 */
export async function prepareFloods(dir: string, log: (line: string) => void): Promise<BenchInput[]> {
  const manifestPath = join(dir, FLOODS_MANIFEST);
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const inputs = m.inputs.map((i) => ({ ...i, file: join(dir, i.name) }));
    if (m.version === FLOODS_VERSION && inputs.every((i) => existsSync(i.file) && statSync(i.file).size === i.bytes)) {
      log(`reusing the floods in ${dir}`);
      return inputs;
    }
  }
  mkdirSync(dir, { recursive: true });
  log('generating the floods of every table at once, deep stations, interfaces and sections ...');
  const inputs: BenchInput[] = [
    ...writeAll(
      dir,
      [
        {
          name: 'tables-flood.pcap',
          what: `${TABLES_FLOOD_ENTRIES} new entries in each bounded table at once (stations, announcers, hosts, requests): 8x the default caps`,
          format: 'pcap',
        },
      ],
      [pcap],
      (w) => writeTablesFlood(w, { entries: TABLES_FLOOD_ENTRIES }),
    ),
    ...writeAll(
      dir,
      [
        {
          name: 'deep-stations-flood.pcap',
          what: `${DEEP_FLOOD_STATIONS} stations, each ARPing twice and connecting on ${DEEP_FLOOD_VLANS} VLANs: every per-station list at its cap`,
          format: 'pcap',
        },
      ],
      [pcap],
      (w) => writeTablesFlood(w, { entries: DEEP_FLOOD_STATIONS, vlansPerStation: DEEP_FLOOD_VLANS }),
    ),
  ];
  const idb = join(dir, 'idb-flood.pcapng.gz');
  await writeIdbFlood(idb, IDB_FLOOD_BLOCKS);
  inputs.push({
    name: 'idb-flood.pcapng.gz',
    what: `one pcapng section of ${IDB_FLOOD_BLOCKS / 1e6}M interface description blocks, then one packet, gzip -9`,
    format: 'pcapng.gz',
    frames: 1,
    arpFrames: 1,
    bytes: statSync(idb).size,
    file: idb,
  });
  const sections = join(dir, 'section-flood.pcapng.gz');
  await writeSectionFlood(sections, SECTION_FLOOD_SECTIONS);
  inputs.push({
    name: 'section-flood.pcapng.gz',
    what: `${SECTION_FLOOD_SECTIONS / 1e6}M pcapng sections of one interface and one packet each, gzip -9`,
    format: 'pcapng.gz',
    frames: SECTION_FLOOD_SECTIONS,
    arpFrames: SECTION_FLOOD_SECTIONS,
    bytes: statSync(sections).size,
    file: sections,
  });
  const manifest: Manifest = { version: FLOODS_VERSION, inputs: inputs.map(({ file: _file, ...rest }) => rest) };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return inputs;
}
