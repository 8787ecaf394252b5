// What a restart needs of the detectors, as plain JSON-safe data (issue 18: `--state FILE`, as arpwatch keeps arp.dat).

/*
 * Each detector writes and reads its own part through a narrow pair of methods (`toState` /
 * `restore...`), so that a field added to a detector is added beside its serialisation. Numbers
 * that may be non-finite (-Infinity before a first event, NaN before a first ARP) are written as
 * null: JSON has neither. Reading is strict about shape: a file that does not match is refused
 * whole (`checkEngineState`), never half-restored.
 */

/**
 * Bumped when a field changes meaning; a file of a later version is set aside, not guessed at.
 * Optional fields (marked "since 2.1" below, a label only: the file still says 2) extend version 2:
 * a reader that predates them ignores them, and a file without them is read as before, so a
 * version-2 file of any age restores, and an upgrade keeps the stations.
 */
export const STATE_VERSION = 2;
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
  /** Since 2.1: the latest spans netgap was not running (live restarts), as [start, length] pairs, oldest first. */
  unwatched?: number[];
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
  /** VLAN of the last frame it counted (-1 untagged), named on its alerts. */
  lastVlan: number;
  /** Largest age of its last ARP at which it sent a frame, -1 when none (what-if). */
  maxTalkAgeS: number;
  /** Its recent ARP intervals with frames in them (the cadence), oldest first, and how many were recorded. */
  talk: number[];
  talkCount: number;
  /** The recent connection attempts (next hop, peer, source port, destination port, time), oldest first, and how many were recorded. */
  syn: { hop: number[]; peer: number[]; port: number[]; dport: number[]; time: number[]; count: number } | null;
  /** Since 2.1, only when a live restart came after its last ARP: what its deadlines count from (the restart), and its frames then. */
  sinceS?: number;
  framesAtSince?: number;
}

/** One IPv4 address of station-events' table: the MACs that claimed it and its rate limits per kind. */
export interface AddressState {
  ip: number;
  mac: number;
  prevMac: number;
  lastAlertS: StoredNumber[];
  suppressed: number[];
}

/** Station-events' state: when the input began, its address table and mac-mismatch limits, least recently used first. */
export interface StationEventsState {
  startS: StoredNumber;
  addresses: AddressState[];
  mismatch: { mac: number; lastS: StoredNumber; suppressed: number }[];
}

/** One announcing MAC of the network-change detector (since 2.1): its latest announcement and burst. */
export interface AnnouncerState {
  mac: number;
  lastS: StoredNumber;
  burstFirstS: StoredNumber;
  /** Index into the marker kinds (gratuitous-arp, arp-probe, rarp, unsolicited-na). */
  burstKind: number;
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
  /** Station-events' address table (changed-mac, flip-flop, new-station). */
  events: StationEventsState;
  /** Since 2.1: the network-change detector's announcers, least recently used first. */
  announcers?: AnnouncerState[];
  /** In order of first ARP; last, so that a writer can stream them. */
  stations: StationState[];
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStored = (x: unknown): boolean => x === null || isNum(x);
const isNums = (x: unknown): x is number[] => Array.isArray(x) && x.every(isNum);

function checkEntry(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  for (const k of ['vlan', 'lastArpS', 'framesSinceArp', 'warnings', 'expiries', 'lastVlan', 'maxTalkAgeS', 'talkCount']) if (!isNum(o[k])) return false;
  if (!isStored(o.causeS) || !isNums(o.talk)) return false;
  if ((o.sinceS !== undefined && !isNum(o.sinceS)) || (o.framesAtSince !== undefined && !isNum(o.framesAtSince))) return false;
  if (o.phase !== 0 && o.phase !== 1 && o.phase !== 2) return false;
  if (o.cause !== null && o.cause !== 'tcp-syn-refresh' && o.cause !== 'long-arp-cache' && o.cause !== 'unknown') return false;
  if (o.syn === null) return true;
  const s = o.syn as Record<string, unknown> | undefined;
  if (typeof s !== 'object' || s === null || !isNum(s.count) || !isNums(s.peer)) return false;
  const n = s.peer.length;
  return [s.hop, s.port, s.dport, s.time].every((a) => isNums(a) && a.length === n);
}

function checkAddress(a: unknown): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const o = a as Record<string, unknown>;
  return (
    isNum(o.ip) &&
    isNum(o.mac) &&
    isNum(o.prevMac) &&
    Array.isArray(o.lastAlertS) &&
    o.lastAlertS.length === 3 &&
    o.lastAlertS.every(isStored) &&
    isNums(o.suppressed) &&
    o.suppressed.length === 3
  );
}

function checkStation(st: unknown): boolean {
  if (typeof st !== 'object' || st === null) return false;
  const o = st as Record<string, unknown>;
  for (const k of ['mac', 'seq', 'lastIp', 'arpSent', 'frames', 'firstSeenS', 'lastSeenS']) if (!isNum(o[k])) return false;
  for (const k of ['firstArpTs', 'lastArpTs', 'maxArpGapS']) if (!isStored(o[k])) return false;
  return typeof o.referenced === 'boolean' && isNums(o.vlans) && isNums(o.ips) && isNums(o.intervals) && Array.isArray(o.arpGap) && o.arpGap.every(checkEntry);
}

function checkAnnouncer(a: unknown): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const o = a as Record<string, unknown>;
  return (
    isNum(o.mac) && isStored(o.lastS) && isStored(o.burstFirstS) && isNum(o.burstKind) && Number.isInteger(o.burstKind) && o.burstKind >= 0 && o.burstKind < 4
  );
}

function checkMismatch(m: unknown): boolean {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  return isNum(o.mac) && isStored(o.lastS) && isNum(o.suppressed);
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
  if (o.version < STATE_VERSION) return `written by an earlier netgap (state version ${o.version}; this one reads ${STATE_VERSION})`;
  const c = o.clock as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null || !isStored(c.now) || !isStored(c.lastFrameS) || !isStored(c.holeStartS) || !isNum(c.holeS) || !isNum(c.tsBackwards))
    return 'damaged (clock)';
  if (c.unwatched !== undefined && !(isNums(c.unwatched) && c.unwatched.length % 2 === 0)) return 'damaged (clock)';
  if (o.announcers !== undefined && !(Array.isArray(o.announcers) && o.announcers.every(checkAnnouncer))) return 'damaged (announcers)';
  if (!isNum(o.arpThresholdS) || !Array.isArray(o.stations)) return 'damaged';
  const ev = o.events as Record<string, unknown> | undefined;
  if (
    typeof ev !== 'object' ||
    ev === null ||
    !isStored(ev.startS) ||
    !Array.isArray(ev.addresses) ||
    !ev.addresses.every(checkAddress) ||
    !Array.isArray(ev.mismatch) ||
    !ev.mismatch.every(checkMismatch)
  )
    return 'damaged (addresses)';
  const bad = o.stations.findIndex((s) => !checkStation(s));
  if (bad >= 0) return `damaged (station ${bad})`;
  return null;
}
