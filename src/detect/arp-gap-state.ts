// ARP-gap state file: an entry to and from its state-file record, rings laid out as the hot path leaves them (detect/state.ts).

import type { ArpGapCause } from './alerts';
import type { ArpGapDetector } from './arp-gap';
import { SYN_DPORT_AT, SYN_HOP_AT, SYN_PEER_AT, SYN_PORT_AT, SYN_RING, SYN_TIME_AT, SynRing, TALK_RING } from './arp-gap-cause';
import type { GapStation, Phase } from './arp-gap-entry';
import { ArpGapEntry } from './arp-gap-entry';
import type { ArpGapEntryState } from './state';
import { loaded, stored } from './state';

/** An entry as a state file keeps it. */
export function entryToState(e: ArpGapEntry): ArpGapEntryState {
  let syn: ArpGapEntryState['syn'] = null;
  const r = e.syn;
  if (r !== null) {
    syn = { hop: [], peer: [], port: [], dport: [], time: [], count: r.count };
    for (let k = Math.max(0, r.count - SYN_RING); k < r.count; k++) {
      const i = k % SYN_RING;
      syn.hop.push(r.rings[SYN_HOP_AT + i]!);
      syn.peer.push(r.rings[SYN_PEER_AT + i]!);
      syn.port.push(r.rings[SYN_PORT_AT + i]!);
      syn.dport.push(r.rings[SYN_DPORT_AT + i]!);
      syn.time.push(r.rings[SYN_TIME_AT + i]!);
    }
  }
  const talk: number[] = [];
  if (e.talk !== null) for (let k = Math.max(0, e.talkCount - TALK_RING); k < e.talkCount; k++) talk.push(e.talk[k % TALK_RING]!);
  return {
    vlan: e.vlan,
    lastArpS: e.lastArpS,
    framesSinceArp: e.framesSinceArp,
    phase: e.phase,
    warnings: e.warnings,
    expiries: e.expiries,
    cause: e.cause,
    causeS: stored(e.causeS),
    lastVlan: e.lastVlan,
    maxTalkAgeS: e.maxTalkAgeS,
    talk,
    talkCount: e.talkCount,
    syn,
    // Only after a live restart that came after its last ARP: a plain file stays as it was.
    ...(e.sinceS !== e.lastArpS ? { sinceS: e.sinceS, framesAtSince: e.framesAtSince } : {}),
  };
}

/** Rare, before any frame: an entry from its state-file record, not yet added to its station nor armed. */
export function entryFromState(detector: ArpGapDetector, st: GapStation, s: ArpGapEntryState): ArpGapEntry {
  const e = new ArpGapEntry(detector, st, s.vlan, s.lastArpS);
  e.framesSinceArp = s.framesSinceArp;
  // A later restart never comes before the ARP; a file without them had none.
  if (s.sinceS !== undefined && s.sinceS > e.lastArpS) {
    e.sinceS = s.sinceS;
    e.framesAtSince = Math.min(s.framesAtSince ?? s.framesSinceArp, s.framesSinceArp);
  }
  e.phase = s.phase as Phase;
  e.warnings = s.warnings;
  e.expiries = s.expiries;
  e.cause = s.cause as ArpGapCause | null;
  e.causeS = loaded(s.causeS, -Infinity);
  e.lastVlan = s.lastVlan;
  e.maxTalkAgeS = s.maxTalkAgeS;
  // Rings are placed so that slot (count - 1) % ring holds the newest, as the hot path left them.
  const talkN = Math.min(s.talk.length, TALK_RING, Math.max(0, s.talkCount));
  if (talkN > 0) {
    const ring = (e.talk = new Float64Array(TALK_RING));
    const count = talkN === Math.min(s.talkCount, TALK_RING) ? s.talkCount : talkN; // a short list: the count it can back
    for (let j = 0; j < talkN; j++) ring[(count - talkN + j) % TALK_RING] = s.talk[s.talk.length - talkN + j]!;
    e.talkCount = count;
  }
  if (s.syn !== null) {
    const r = (e.syn = new SynRing());
    const len = s.syn.peer.length;
    const n = Math.min(len, SYN_RING, Math.max(0, s.syn.count));
    const count = n === Math.min(s.syn.count, SYN_RING) ? s.syn.count : n;
    for (let j = 0; j < n; j++) {
      const i = (count - n + j) % SYN_RING;
      const from = len - n + j;
      r.rings[SYN_HOP_AT + i] = s.syn.hop[from]!;
      r.rings[SYN_PEER_AT + i] = s.syn.peer[from]!;
      r.rings[SYN_PORT_AT + i] = s.syn.port[from]!;
      r.rings[SYN_DPORT_AT + i] = s.syn.dport[from]!;
      r.rings[SYN_TIME_AT + i] = s.syn.time[from]!;
    }
    r.count = count;
  }
  return e;
}
