// Turns an alert's typed fields into the one-sentence message and the advice users read (KB2832644, KB4338822).

import type {
  Alert,
  ArpGapCause,
  ArpGapExpiredAlert,
  ArpGapRecoveredAlert,
  ArpGapWarningAlert,
  BlackoutCause,
  InboundBlackoutAlert,
  InboundBlackoutStartAlert,
  LostCounts,
  MarkerKind,
  NetworkChangeAlert,
  NetworkChangeOutageAlert,
  NewStationAlert,
  ChangedMacAlert,
  FlipFlopAlert,
  MacMismatchAlert,
} from '../detect/alerts';
import { baseReachableTimeMs } from '../detect/arp-gap-cause';
import { isoTime } from './iso-time';

/** What a person reads for an alert: what happened, and what to change (empty when nothing). */
export interface Description {
  message: string;
  advice: string;
}

/** Seconds with one decimal: enough for a 300 s cliff, stable in golden files. */
export function secs(s: number): string {
  return `${s.toFixed(1)} s`;
}

function who(a: { mac?: string; ip?: string; vlan?: number }): string {
  const ip = a.ip ? ` (${a.ip})` : '';
  const vlan = a.vlan !== undefined ? ` on VLAN ${a.vlan}` : '';
  return `${a.mac ?? 'unknown station'}${ip}${vlan}`;
}

/** The ARP-gap fields the advice reads. */
type GapEvidence = Pick<
  ArpGapWarningAlert,
  | 'ip'
  | 'gap_s'
  | 'threshold_s'
  | 'syn_peer'
  | 'syn_interval_s'
  | 'syn_next_hop'
  | 'syn_peers'
  | 'syn_attempts'
  | 'base_reachable_time_ms'
  | 'arp_interval_s'
  | 'arp_intervals_seen'
  | 'os_guess'
>;

/** "about every 601.2 s (3 intervals measured)", the cadence evidence. */
function cadence(a: GapEvidence): string {
  const n = a.arp_intervals_seen ?? 0;
  return `about every ${secs(a.arp_interval_s ?? 0)} while it talks (${n} interval${n === 1 ? '' : 's'} measured)`;
}

/** KB2832644's value, kept below the bridge's hold time when that was set lower. */
function xpCacheLife(thresholdS: number): number {
  return Math.min(240, Math.max(1, Math.floor(thresholdS * 0.8)));
}

function xpAdvice(a: GapEvidence): string {
  const life = xpCacheLife(a.threshold_s);
  return (
    `It ARPs ${cadence(a)}: the 600 s ARP cache of Windows XP/Server 2003 (ArpCacheMinReferencedLife), longer than the bridge's ${secs(a.threshold_s)}. ` +
    `In the guest run \`reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters /v ArpCacheMinReferencedLife /t REG_DWORD /d ${life} /f\`, ` +
    `set ArpCacheLife (same key) below ${Math.floor(a.threshold_s)} too if it was raised, and reboot (KB2832644).`
  );
}

function bsdAdvice(a: GapEvidence): string {
  return (
    `It ARPs ${cadence(a)}: the 1200 s ARP cache of FreeBSD and macOS (net.link.ether.inet.max_age), longer than the bridge's ${secs(a.threshold_s)}. ` +
    'In the guest run `sysctl net.link.ether.inet.max_age=60` as root, and add the line `net.link.ether.inet.max_age=60` to /etc/sysctl.conf ' +
    'to keep it across reboots (the value Microsoft gives for FreeBSD guests on Hyper-V).'
  );
}

/**
 * The BaseReachableTime to suggest so that BaseReachable x 1.5 falls below the SYN interval,
 * with a 10 % margin, in whole seconds as netsh users type it (KB2832644, KB949589); 0 when none
 * of at least 1000 ms fits.
 */
export function suggestedBaseReachableMs(synIntervalS: number): number {
  return baseReachableTimeMs(synIntervalS);
}

function synAdvice(a: GapEvidence): string {
  const interval = a.syn_interval_s ?? 0;
  const hop = a.syn_next_hop !== undefined ? ` through the next hop ${a.syn_next_hop}` : '';
  const peers = a.syn_peers !== undefined && a.syn_peers.length > 0 ? a.syn_peers.join(', ') : (a.syn_peer ?? 'one peer');
  const attempts = a.syn_attempts !== undefined ? `${a.syn_attempts} ` : '';
  const what =
    `${attempts}TCP connection attempts (SYN)${hop} to ${peers}, about every ${secs(interval)}, keep the guest's ARP entry for that hop alive, ` +
    'so it never sends ARP (Windows Vista and later). ';
  const ms = a.base_reachable_time_ms;
  if (ms === undefined)
    return what + `Stop those connection attempts: at that rate no BaseReachableTime of 1 s or more lets the entry go stale between them (KB2832644).`;
  const idx = a.ip !== undefined ? ` (for ${a.ip}: \`(Get-NetIPAddress -IPAddress ${a.ip}).InterfaceIndex\`)` : '';
  return (
    what +
    `Stop those connection attempts, or in the guest make 1.5 x BaseReachableTime shorter than that interval: ` +
    `\`netsh interface ipv4 set interface <idx> basereachabletime=${ms}\`, or in PowerShell ` +
    `\`Set-NetIPInterface -InterfaceIndex <idx> -AddressFamily IPv4 -BaseReachableTimeMs ${ms}\`, ` +
    `where <idx> is the interface's Idx in \`netsh interface ipv4 show interfaces\`${idx} (KB2832644).`
  );
}

function unknownAdvice(a: GapEvidence): string {
  const usual = a.arp_interval_s !== undefined ? `its ARPs come ${cadence(a)}` : 'no interval between its ARPs while it talks was measured yet';
  return (
    `The traffic does not show why: ${usual}, and this gap reached ${secs(a.gap_s)}, with no repeated connection attempts through one next hop. ` +
    `No OS setting is advised on a guess: find what keeps the guest from refreshing its ARP entries within the bridge's ${secs(a.threshold_s)}.`
  );
}

/** The evidence behind an ARP-gap alert's cause, in a few words (the dashboard's detail view). */
export function arpGapEvidence(a: GapEvidence & { cause: ArpGapCause }): string {
  const usual =
    a.arp_interval_s !== undefined
      ? `usual ARP interval while talking ${secs(a.arp_interval_s)} (${a.arp_intervals_seen ?? 0} measured)`
      : 'no ARP interval while talking measured yet';
  if (a.cause === 'tcp-syn-refresh') {
    const hop = a.syn_next_hop !== undefined ? ` through ${a.syn_next_hop}` : '';
    const b = a.base_reachable_time_ms;
    const fix =
      b !== undefined
        ? `; BaseReachableTime ${b} ms gives 1.5 x ${secs(b / 1000)} = ${secs((1.5 * b) / 1000)}, below it`
        : '; no BaseReachableTime of 1 s or more fits';
    return `${a.syn_attempts ?? 0} connection attempts${hop} to ${(a.syn_peers ?? [a.syn_peer ?? '?']).join(', ')}, every ${secs(a.syn_interval_s ?? 0)}${fix}; this gap ${secs(a.gap_s)}.`;
  }
  const os =
    a.os_guess === 'windows-xp-2003' ? ": Windows XP/2003's 600 s ARP cache" : a.os_guess === 'freebsd-macos' ? ": FreeBSD/macOS's 1200 s ARP cache" : '';
  return `${usual}${os}; this gap ${secs(a.gap_s)}${a.cause === 'unknown' ? '; no repeated connection attempts through one next hop' : ''}.`;
}

export function arpGapAdvice(cause: ArpGapCause, a: GapEvidence): string {
  if (cause === 'tcp-syn-refresh') return synAdvice(a);
  if (cause === 'long-arp-cache') return a.os_guess === 'freebsd-macos' ? bsdAdvice(a) : xpAdvice(a);
  return unknownAdvice(a);
}

/**
 * A gap that spans a restart (`--state`): the ARP seen is the last one netgap saw, and the
 * deadline was counted from the restart, since the station may have ARPed while netgap was down.
 */
function unwatched(a: { unwatched_s?: number }, raised: boolean): string {
  if (a.unwatched_s === undefined) return '';
  const since = raised ? ', so this counts from when it started again, and its ARP is at least that old' : '';
  return ` netgap was not running for ${secs(a.unwatched_s)} of this gap, when it may have ARPed unseen${since}.`;
}

function warning(a: ArpGapWarningAlert): Description {
  return {
    message:
      `${who(a)} has sent ${a.frames_since_arp} frame(s) since its last ARP ${secs(a.gap_s)} ago; ` +
      `a bridge that learns from ARP forgets it at ${secs(a.threshold_s)}.${unwatched(a, true)}`,
    advice: arpGapAdvice(a.cause, a),
  };
}

function expired(a: ArpGapExpiredAlert): Description {
  return {
    message:
      `${who(a)} sent a frame ${secs(a.gap_s)} after its last ARP, past the ${secs(a.threshold_s)} ` +
      `a bridge that learns from ARP (Hyper-V on a wireless vSwitch) keeps its entry: its traffic is at risk of being dropped.${unwatched(a, true)}`,
    advice: arpGapAdvice(a.cause, a),
  };
}

function recovered(a: ArpGapRecoveredAlert): Description {
  const past = a.expired
    ? ` It sent traffic for ${secs(a.past_threshold_s)} past the threshold, where the bridge may have dropped it.`
    : a.past_threshold_s > 0
      ? ' It sent nothing past the threshold, so nothing was at risk.'
      : '';
  return {
    message: `${who(a)} sent ARP again after ${secs(a.gap_s)}, with ${a.frames_since_arp} frame(s) sent in between.${past}${unwatched(a, false)}`,
    // A station that was silent past the threshold lost nothing: no change to advise.
    advice: a.expired ? arpGapAdvice(a.cause, a) : '',
  };
}

/** Markers in words. */
const MARKER_TEXT: Readonly<Record<MarkerKind, string>> = {
  'gratuitous-arp': 'a gratuitous ARP',
  'arp-probe': 'an ARP probe',
  rarp: 'a RARP, which QEMU and VMware send for a guest they moved',
  'unsolicited-na': 'an unsolicited IPv6 neighbour advertisement',
};

/**
 * The fixes for Windows Firewall's interface quarantine after a live migration: the host-side
 * fix of KB4338822, or one of the two guest-side workarounds.
 */
export const QUARANTINE_ADVICE =
  'On the Hyper-V host, install KB4338822 and set ' +
  'HKLM\\System\\CurrentControlSet\\Services\\VmsMp\\Parameters\\SendLmNetworkChangeIndication (REG_DWORD) to 0. ' +
  'Or, in the guest, set HKLM\\SYSTEM\\CurrentControlSet\\services\\SharedAccess\\Parameters\\FirewallPolicy\\IntfQuarantineEnabled ' +
  '(REG_DWORD) to 0, or disable DHCP media sense: `netsh interface ipv4 set global dhcpmediasense=disabled`.';

/** What to change for a blackout of this cause: the fixes for the quarantine; nothing known otherwise. */
export function blackoutAdvice(cause: BlackoutCause | null): string {
  return cause === 'interface-quarantine' ? QUARANTINE_ADVICE : '';
}

/** "35 echo requests, 3 UDP datagrams and 7 TCP SYNs" (only the protocols that lost any). */
export function lostText(lost: LostCounts): string {
  const parts: string[] = [];
  const add = (n: number, what: string) => {
    if (n > 0) parts.push(`${n} ${what}${n === 1 ? '' : 's'}`);
  };
  add(lost.icmp, 'echo request');
  add(lost.udp, 'UDP datagram');
  add(lost.tcp_syn, 'TCP SYN');
  if (parts.length === 0) return 'no request';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "0.1 s before" / "0.3 s after" the start. */
function offsetText(offsetS: number): string {
  return offsetS < 0 ? `${secs(-offsetS)} before` : `${secs(offsetS)} after`;
}

function networkChange(a: NetworkChangeAlert): Description {
  return {
    message: `${who(a)} announced itself with ${MARKER_TEXT[a.marker]}: a network change, such as a live migration, a reconnected link or a new address.`,
    advice: '',
  };
}

function blackoutStart(a: InboundBlackoutStartAlert): Description {
  const marker =
    a.marker !== undefined && a.marker_offset_s !== undefined
      ? ` It announced a network change ${offsetText(a.marker_offset_s)} the first lost request: if this lasts about 7 s, it is Windows Firewall's interface quarantine after a live migration.`
      : '';
  return {
    message: `${who(a)} has answered no new request since ${isoTime(a.start_ts)} (${lostText(a.lost)} unanswered so far): its inbound traffic is being dropped.${marker}`,
    advice: '',
  };
}

function blackout(a: InboundBlackoutAlert): Description {
  const retries =
    a.syn_retransmissions > 0 ? `; ${a.syn_retransmissions} TCP SYN retransmission(s), ${a.tcp_through_on_retry} attempt(s) through on a retry so far` : '';
  let why: string;
  const resumed = a.resumed_after_marker_s ?? a.duration_s;
  if (a.cause === 'interface-quarantine') {
    why =
      ` It announced a network change (${MARKER_TEXT[a.marker!]}) ${offsetText(a.marker_offset_s!)} the blackout began, and answers resumed ${secs(resumed)} after it:` +
      " the 7 s of Windows Firewall's interface-quarantine safety timeout after a live migration.";
  } else if (a.marker !== undefined && a.marker_offset_s !== undefined) {
    why = ` A network change came ${offsetText(a.marker_offset_s)} it began, but answers resumed ${secs(resumed)} after it, not the 7 s of the interface quarantine.`;
  } else {
    why = ' No network change was seen in it or just before it: look at what drops inbound traffic to it (firewall, filter, path).';
  }
  return {
    message: `${who(a)} answered no new request for ${secs(a.duration_s)} from ${isoTime(a.start_ts)} (${lostText(a.lost)} unanswered${retries}).${why}`,
    advice: blackoutAdvice(a.cause),
  };
}

function outage(a: NetworkChangeOutageAlert): Description {
  const change = `its network change (${MARKER_TEXT[a.marker]}) at ${isoTime(a.marker_ts)}`;
  if (a.start_ts === undefined) return { message: `${who(a)} lost no request across ${change}.`, advice: '' };
  const after = a.after_marker_s < a.outage_s ? `, ${secs(a.after_marker_s)} of it after the change` : '';
  const blackout = a.inbound_blackout ? ' (reported as an inbound blackout too)' : '';
  return {
    message: `${who(a)} answered no request for ${secs(a.outage_s)} across ${change}${after}: ${lostText(a.lost)} unanswered${blackout}.`,
    advice: '',
  };
}

/** " (3 more left out since the last one)" when an event was rate-limited. */
function suppressedText(n: number): string {
  return n > 0 ? ` (${n} more left out since the previous alert)` : '';
}

function stationEvent(a: NewStationAlert | ChangedMacAlert | FlipFlopAlert | MacMismatchAlert): Description {
  const more = suppressedText(a.suppressed);
  switch (a.kind) {
    case 'new-station':
      return { message: `${who(a)} claimed ${a.ip} in ARP for the first time: a new station${more}.`, advice: '' };
    case 'changed-mac':
      return {
        message: `${a.ip} is now claimed by ${a.mac}, no longer by ${a.old_mac}${more}.`,
        advice:
          `If ${a.ip} moved on purpose (a replaced NIC, a failover), nothing. Otherwise two devices want it: find ${a.mac} and ${a.old_mac}. ` +
          `A router that answers by proxy ARP or a VRRP/HSRP pair does this by design: give it to --ignore.`,
      };
    case 'flip-flop':
      return {
        message: `${a.ip} went back to ${a.mac} from ${a.old_mac}: two devices claim it in turn${more}.`,
        advice: `Fix the address conflict between ${a.mac} and ${a.old_mac}; if they are a known pair (teaming, a failover pair, a proxy-ARP router), give them to --ignore.`,
      };
    case 'mac-mismatch':
      return {
        message: `An ARP from ${who(a)} came in a frame sent by ${a.eth_src}${more}.`,
        advice: `If ${a.eth_src} is a bridge or proxy that rewrites sources (a wireless bridge does), give it to --ignore; otherwise look for ARP spoofing.`,
      };
  }
}

/** The option that sets each table's cap (announcing MACs share the host table's). */
const TABLE_OPTION: Readonly<Record<string, string>> = { announcers: 'hosts', addresses: 'hosts' };

export function describe(a: Alert): Description {
  switch (a.kind) {
    case 'arp-gap-warning':
      return warning(a);
    case 'arp-gap-expired':
      return expired(a);
    case 'arp-gap-recovered':
      return recovered(a);
    case 'table-full':
      if (a.table === 'interfaces') {
        return {
          message: `An input described more than ${a.limit} interfaces; the frames of those past the cap are counted under interface-over-cap, not analysed.`,
          advice: 'Split the capture per interface (editcap, tshark -i), or look for a damaged or hostile file.',
        };
      }
      if (a.table === 'station-vlans') {
        return {
          message: `Stations claimed more than ${a.limit} VLANs beyond their first; ARP on a further VLAN is no longer tracked for gaps.`,
          advice: 'Raise --max-stations (the pool grows with it) if the trunk really carries that many, or look for a flood of tagged ARP.',
        };
      }
      return {
        message: `The ${a.table} table reached its cap of ${a.limit} entries; from now on its oldest entries are evicted.`,
        advice: `Raise the cap (--max-${TABLE_OPTION[a.table] ?? a.table}) if this host really has that many, or look for a flood of random addresses.`,
      };
    case 'capture-loss':
      return {
        message:
          `${a.packets_lost} of the ${a.packets_counted} packets the kernel counted on ${a.interface} in the last ${secs(a.window_s)} never reached netgap; ` +
          'alerts that depend on them may be missing.' +
          (a.oversize > 0 ? ` ${a.oversize} frame(s) were merged by the NIC's offloads (GRO/TSO), so the count is an estimate.` : ''),
        advice: 'Raise --buffer-size, give netgap a less busy CPU, or capture on a less busy interface (the README explains how loss is measured).',
      };
    case 'capture-idle':
      return {
        message: `Nothing was captured on ${a.interface} for ${secs(a.idle_s)}.`,
        advice:
          'Check that the interface is up and carries the traffic to watch (on Hyper-V, the NIC bound to the vSwitch), and that --filter is not too narrow.',
      };
    case 'capture-stopped':
      return {
        message:
          `The capture on ${a.interface} stopped: ${a.detail}. ` + (a.retry ? 'netgap opens it again as soon as it is back (every 3 s).' : 'netgap stops.'),
        advice:
          a.reason === 'interface-gone'
            ? 'Bring the interface back, or run netgap on the one that replaced it.'
            : 'See the message; run netgap again once it is fixed.',
      };
    case 'capture-resumed':
      return {
        message: `The capture on ${a.interface} runs again after ${secs(a.down_s)}; traffic in that time was not seen.`,
        advice: '',
      };
    case 'output-error':
      return {
        message: `${a.file} could not be opened again: ${a.detail}. Alerts keep going to the file that was open (where log rotation moved it).`,
        advice: 'Recreate the directory or fix its permissions, then send SIGHUP again (systemctl reload netgap).',
      };
    case 'network-change':
      return networkChange(a);
    case 'inbound-blackout-start':
      return blackoutStart(a);
    case 'inbound-blackout':
      return blackout(a);
    case 'network-change-outage':
      return outage(a);
    case 'new-station':
    case 'changed-mac':
    case 'flip-flop':
    case 'mac-mismatch':
      return stationEvent(a);
  }
}
