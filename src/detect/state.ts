// What a restart needs of the detectors, as plain JSON-safe data (issue 18: `--state FILE`, as arpwatch keeps arp.dat).

/*
 * Each detector writes and reads its own part through a narrow pair of methods (`toState` /
 * `restore...`), so that a field added to a detector is added beside its serialisation. Numbers
 * that may be non-finite (-Infinity before a first event, NaN before a first ARP) are written as
 * null: JSON has neither. Reading is strict about shape: a file that does not match is refused
 * whole (`checkEngineState`), never half-restored.
 */

/** Bumped when a field changes meaning; a file of a later version is set aside, not guessed at. */
export const STATE_VERSION = 1;
/** Names the file's kind, so that a foreign JSON file is not taken for state. */
export const STATE_FORMAT = 'netgap-state';

/** A float that may be non-finite, as stored: null stands for the default given when read. */
export type StoredNumber = number | null;

export function stored(x: number): StoredNumber {
  return Number.isFinite(x) ? x : null;
}

export function loaded(x: StoredNumber | undefined, fallback: number): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : fallback;
}

export interface ClockState {
  now: StoredNumber;
  lastFrameS: StoredNumber;
  holeStartS: StoredNumber;
  holeS: number;
  tsBackwards: number;
}

/** One ARP-gap entry (a station on one VLAN). */
export interface ArpGapEntryState {
  vlan: number;
  lastArpS: number;
  framesSinceArp: number;
  /** 0 ok, 1 warned, 2 expired. */
  phase: number;
  warnings: number;
  expiries: number;
  cause: string | null;
  causeS: StoredNumber;
  /** The recent connection attempts (peer, source port, time), oldest first, and how many were recorded. */
  syn: { peer: number[]; port: number[]; time: number[]; count: number } | null;
}

export interface StationState {
  mac: number;
  seq: number;
  vlans: number[];
  ips: number[];
  lastIp: number;
  arpSent: number;
  frames: number;
  firstSeenS: number;
  lastSeenS: number;
  firstArpTs: StoredNumber;
  lastArpTs: StoredNumber;
  maxArpGapS: StoredNumber;
  referenced: boolean;
  /** Recent intervals between its ARPs, oldest first. */
  intervals: number[];
  arpGap: ArpGapEntryState[];
}

export interface EngineState {
  format: typeof STATE_FORMAT;
  version: number;
  /** The options the state was made under: a different --arp-threshold still restores, and says so. */
  arpThresholdS: number;
  clock: ClockState;
  /** In order of first ARP. */
  stations: StationState[];
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStored = (x: unknown): boolean => x === null || isNum(x);
const isNums = (x: unknown): x is number[] => Array.isArray(x) && x.every(isNum);

function checkEntry(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  if (!isNum(o.vlan) || !isNum(o.lastArpS) || !isNum(o.framesSinceArp) || !isNum(o.warnings) || !isNum(o.expiries) || !isStored(o.causeS)) return false;
  if (o.phase !== 0 && o.phase !== 1 && o.phase !== 2) return false;
  if (o.cause !== null && o.cause !== 'tcp-syn-refresh' && o.cause !== 'long-arp-cache') return false;
  if (o.syn === null) return true;
  const s = o.syn as Record<string, unknown> | undefined;
  return (
    typeof s === 'object' &&
    isNums(s.peer) &&
    isNums(s.port) &&
    isNums(s.time) &&
    isNum(s.count) &&
    s.peer.length === s.port.length &&
    s.peer.length === s.time.length
  );
}

function checkStation(st: unknown): boolean {
  if (typeof st !== 'object' || st === null) return false;
  const o = st as Record<string, unknown>;
  for (const k of ['mac', 'seq', 'lastIp', 'arpSent', 'frames', 'firstSeenS', 'lastSeenS']) if (!isNum(o[k])) return false;
  for (const k of ['firstArpTs', 'lastArpTs', 'maxArpGapS']) if (!isStored(o[k])) return false;
  return typeof o.referenced === 'boolean' && isNums(o.vlans) && isNums(o.ips) && isNums(o.intervals) && Array.isArray(o.arpGap) && o.arpGap.every(checkEntry);
}

/**
 * Why `data` is not a state this netgap can restore, or null when it is. The reasons are what a
 * warning line says: not netgap's, a later version, damaged.
 */
export function checkEngineState(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== STATE_FORMAT) return 'not a netgap state file';
  const o = data as Record<string, unknown>;
  if (!isNum(o.version)) return 'not a netgap state file';
  if (o.version > STATE_VERSION) return `written by a later netgap (state version ${o.version}; this one reads ${STATE_VERSION})`;
  if (o.version < 1) return 'not a netgap state file';
  const c = o.clock as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null || !isStored(c.now) || !isStored(c.lastFrameS) || !isStored(c.holeStartS) || !isNum(c.holeS) || !isNum(c.tsBackwards))
    return 'damaged (clock)';
  if (!isNum(o.arpThresholdS) || !Array.isArray(o.stations)) return 'damaged';
  const bad = o.stations.findIndex((s) => !checkStation(s));
  if (bad >= 0) return `damaged (station ${bad})`;
  return null;
}
