// Hostile captures for the bench's memory rows: every bounded table flooded at once, stations with every per-station list full, and pcapng interface and section floods.

/*
 * Deterministic, like generate.ts (fixed seeds, time from START_S, no clock). What each fills:
 * - Tables at once (`writeTablesFlood`): for each i, one gratuitous ARP from a new MAC (a station,
 *   and an announcer: SPA = TPA), one echo request answered by a new host (a host that answered),
 *   and one TCP SYN to another new host, never answered (a request: a lost SYN waits 30 s for a
 *   retransmission, so the table stays full while the flood lasts). At 100 kpps the whole flood
 *   lies inside those 30 s for up to 750,000 entries a table.
 * - Deep stations (`vlansPerStation` > 1): each MAC ARPs on that many 802.1Q VLANs, twice, and
 *   opens a TCP connection on each: every per-station list and ARP-gap entry at its cap, so that
 *   the flood measures the most a station can cost, not the least.
 * - Interfaces (`writeIdbFlood`): one section of `count` interface description blocks, then one
 *   packet on the last interface. Sections (`writeSectionFlood`): `count` sections of one
 *   interface and one packet each. Both are written gzip-compressed, as an attacker would send
 *   them: 1M IDBs are 20 MB of pcapng and 48 KB of gzip.
 */

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Host } from '../../fixtures/frames';
import { TCP, arpGratuitous, ipv4IcmpEcho, ipv4Tcp, WINDOWS_PING_PAYLOAD, WINDOWS_SYN_OPTIONS } from '../../fixtures/frames';
import { Rng } from '../../fixtures/rng';
import { LINKTYPE } from '../../src/frame';
import type { FrameWriter, GenStats } from './generate';
import { START_S } from './generate';
import { newFrame } from '../../src/frame';

/** 100 kpps. */
const GAP_US = 10;
const S = 1_000_000;

export interface TablesFloodOptions {
  /** New entries per table. */
  entries: number;
  /** VLANs each flooding station ARPs and talks on (1: untagged only). */
  vlansPerStation?: number;
}

function macOf(prefix: number, i: number): string {
  const b = [prefix, (i >>> 24) & 0xff, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff, 0x01];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The i-th address of 10.0.0.0/8 past `base` (never .0 or .255 in the last octet). */
function ipOf(base: number, i: number): string {
  const n = base + Math.floor(i / 254) * 256 + (i % 254) + 1;
  return `${(n >>> 24) & 0xff}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** Writes the frames in time order to every writer. */
class Emitter {
  frames = 0;
  arpFrames = 0;
  bytes = 0;
  private us = 0;
  private readonly frame = newFrame();

  constructor(private readonly writers: readonly FrameWriter[]) {
    this.frame.linkType = LINKTYPE.ETHERNET;
  }

  emit(buf: Buffer, isArp = false): void {
    const f = this.frame;
    const sec = Math.floor(this.us / S);
    f.tsSec = START_S + sec;
    f.tsNsec = (this.us - sec * S) * 1000;
    f.buf = buf;
    f.off = 0;
    f.capLen = f.origLen = buf.length;
    for (const w of this.writers) w.write(f);
    this.us += GAP_US;
    this.frames++;
    this.bytes += buf.length;
    if (isArp) this.arpFrames++;
  }
}

/** Every bounded table of the detectors flooded at once (see the header comment). */
export function writeTablesFlood(writers: readonly FrameWriter[], opts: TablesFloodOptions): GenStats {
  const out = new Emitter(writers);
  const rng = new Rng(0xf100d003);
  const vlans = opts.vlansPerStation ?? 1;
  const client: Host = { mac: '00:15:5d:01:ff:fd', ip: '198.18.200.3' };
  const gateway = '00:15:5d:00:00:01';
  for (let i = 0; i < opts.entries; i++) {
    // A station and an announcer.
    const st: Host = { mac: macOf(0x02, i), ip: ipOf(0x0a000000, i) };
    for (let v = 0; v < vlans; v++) {
      const tagged: Host = vlans > 1 ? { ...st, vlans: [1 + v] } : st;
      out.emit(arpGratuitous(tagged), true);
      if (vlans > 1) {
        out.emit(arpGratuitous(tagged), true);
        out.emit(
          ipv4Tcp(
            { src: st.mac, dst: gateway, vlans: tagged.vlans },
            { src: st.ip, dst: ipOf(0x0b000000, v), id: v },
            { srcPort: 49152 + v, dstPort: 443, seq: rng.int(0, 2 ** 31), ack: 0, flags: TCP.SYN, options: WINDOWS_SYN_OPTIONS },
          ),
        );
      }
    }
    // A host that answers an echo request.
    const host: Host = { mac: macOf(0x06, i), ip: ipOf(0x0c000000, i) };
    out.emit(
      ipv4IcmpEcho(
        { src: client.mac, dst: gateway },
        { src: client.ip, dst: host.ip, id: i & 0xffff },
        { type: 'request', id: 1, seq: i & 0xffff, payload: WINDOWS_PING_PAYLOAD },
      ),
    );
    out.emit(
      ipv4IcmpEcho(
        { src: host.mac, dst: client.mac },
        { src: host.ip, dst: client.ip, id: i & 0xffff },
        { type: 'reply', id: 1, seq: i & 0xffff, payload: WINDOWS_PING_PAYLOAD },
      ),
    );
    // A request that is never answered.
    out.emit(
      ipv4Tcp(
        { src: client.mac, dst: gateway },
        { src: client.ip, dst: ipOf(0x0d000000, i), id: i & 0xffff },
        { srcPort: 49152 + (i % 16000), dstPort: 443, seq: rng.int(0, 2 ** 31), ack: 0, flags: TCP.SYN, options: WINDOWS_SYN_OPTIONS },
      ),
    );
  }
  return { frames: out.frames, bytes: out.bytes, arpFrames: out.arpFrames };
}

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const SHB_LEN = 28;
const IDB_LEN = 20;
/** One 60-byte Ethernet frame (an ARP request) in an EPB. */
const FRAME_LEN = 60;
const EPB_LEN = 32 + FRAME_LEN;

function shb(): Buffer {
  const b = Buffer.alloc(SHB_LEN);
  b.writeUInt32LE(SHB, 0);
  b.writeUInt32LE(SHB_LEN, 4);
  b.writeUInt32LE(BYTE_ORDER_MAGIC, 8);
  b.writeUInt16LE(1, 12);
  b.writeInt32LE(-1, 16);
  b.writeInt32LE(-1, 20);
  b.writeUInt32LE(SHB_LEN, 24);
  return b;
}

function idb(): Buffer {
  const b = Buffer.alloc(IDB_LEN);
  b.writeUInt32LE(IDB, 0);
  b.writeUInt32LE(IDB_LEN, 4);
  b.writeUInt16LE(LINKTYPE.ETHERNET, 8);
  b.writeUInt32LE(IDB_LEN, 16);
  return b;
}

function epb(ifId: number, sec: number): Buffer {
  const b = Buffer.alloc(EPB_LEN);
  b.writeUInt32LE(EPB, 0);
  b.writeUInt32LE(EPB_LEN, 4);
  b.writeUInt32LE(ifId, 8);
  const us = sec * S;
  b.writeUInt32LE(Math.floor(us / 2 ** 32), 12);
  b.writeUInt32LE(us % 2 ** 32, 16);
  b.writeUInt32LE(FRAME_LEN, 20);
  b.writeUInt32LE(FRAME_LEN, 24);
  // An ARP request from 02:00:00:00:00:01 (broadcast), zero padded to 60 bytes.
  Buffer.from('ffffffffffff020000000001080600010800060400010200000000010a000001000000000000' + '0a000002', 'hex').copy(b, 28);
  b.writeUInt32LE(EPB_LEN, EPB_LEN - 4);
  return b;
}

/** Writes `parts()` gzip-compressed to `path`, a batch of blocks at a time; returns the uncompressed size. */
async function writeGzip(path: string, parts: () => Iterable<Buffer>): Promise<number> {
  const gz = createGzip({ level: 9 });
  const file = createWriteStream(path);
  gz.pipe(file);
  let bytes = 0;
  let batch: Buffer[] = [];
  let batchLen = 0;
  for (const part of parts()) {
    batch.push(part);
    batchLen += part.length;
    if (batchLen >= 1 << 20) {
      bytes += batchLen;
      if (!gz.write(Buffer.concat(batch))) await once(gz, 'drain');
      batch = [];
      batchLen = 0;
    }
  }
  bytes += batchLen;
  gz.end(Buffer.concat(batch));
  await once(file, 'close');
  return bytes;
}

/** One section of `count` IDBs, then a packet on the last one (gzip). Returns the pcapng size. */
export function writeIdbFlood(path: string, count: number): Promise<number> {
  return writeGzip(path, function* () {
    yield shb();
    const block = idb();
    for (let i = 0; i < count; i++) yield block;
    yield epb(count - 1, START_S);
  });
}

/** `count` sections of one IDB and one packet each (gzip). Returns the pcapng size. */
export function writeSectionFlood(path: string, count: number): Promise<number> {
  return writeGzip(path, function* () {
    const section = Buffer.concat([shb(), idb()]);
    for (let i = 0; i < count; i++) {
      yield section;
      yield epb(0, START_S + i);
    }
  });
}

/** Bumped whenever a flood's bytes change, so that older files are rebuilt rather than measured. */
export const FLOODS_VERSION = 1;
/** Entries per table in the tables flood: eight times the default caps, so every table is full and evicting at once. */
export const TABLES_FLOOD_ENTRIES = 65_536;
/** Deep stations: twice the default station cap, each on enough VLANs to use up the shared VLAN-entry pool. */
export const DEEP_FLOOD_STATIONS = 16_384;
export const DEEP_FLOOD_VLANS = 16;
/** Interface description blocks in the IDB flood, and sections in the section flood. */
export const IDB_FLOOD_BLOCKS = 1_000_000;
export const SECTION_FLOOD_SECTIONS = 1_000_000;
