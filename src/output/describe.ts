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
} from '../detect/alerts';
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

const XP_ADVICE =
  'The guest keeps ARP entries longer than the bridge keeps its forwarding entry (Windows XP/2003: ' +
  'ArpCacheMinReferencedLife defaults to 600 s). In the guest set ' +
  'HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters\\ArpCacheMinReferencedLife (REG_DWORD) to 240, ' +
  'keep ArpCacheLife below 300 if it was raised, and reboot (KB2832644).';

/**
 * The BaseReachableTime to suggest so that BaseReachable x 1.5 falls below the SYN interval,
 * with a 10 % margin, in whole seconds as netsh users type it (KB2832644, KB949589).
 */
export function suggestedBaseReachableMs(synIntervalS: number): number {
  return Math.max(1000, Math.floor(((synIntervalS / 1.5) * 0.9)) * 1000);
}

function synAdvice(a: { syn_peer?: string; syn_interval_s?: number }): string {
  const interval = a.syn_interval_s ?? 0;
  const peer = a.syn_peer ?? 'one peer';
  const every = interval > 0 ? ` about every ${secs(interval)}` : '';
  const ms = interval > 0 ? suggestedBaseReachableMs(interval) : 0;
  const netsh = ms > 0 ? `basereachabletime=${ms}` : 'basereachabletime=<ms>';
  return (
    `Repeated TCP connection attempts (SYN) to ${peer}${every} keep the guest's ARP entry alive, so it never ` +
    'sends ARP (Windows Vista and later). Stop those connection attempts, or in the guest run ' +
    `\`netsh interface ipv4 set interface <idx> ${netsh}\` so that BaseReachable x 1.5 is shorter than ` +
    'the SYN interval (KB2832644).'
  );
}

export function arpGapAdvice(cause: ArpGapCause, a: { syn_peer?: string; syn_interval_s?: number }): string {
  return cause === 'tcp-syn-refresh' ? synAdvice(a) : XP_ADVICE;
}

function warning(a: ArpGapWarningAlert): Description {
  return {
    message:
      `${who(a)} has sent ${a.frames_since_arp} frame(s) since its last ARP ${secs(a.gap_s)} ago; ` +
      `a bridge that learns from ARP forgets it at ${secs(a.threshold_s)}.`,
    advice: arpGapAdvice(a.cause, a),
  };
}

function expired(a: ArpGapExpiredAlert): Description {
  return {
    message:
      `${who(a)} sent a frame ${secs(a.gap_s)} after its last ARP, past the ${secs(a.threshold_s)} ` +
      'a bridge that learns from ARP (Hyper-V on a wireless vSwitch) keeps its entry: its traffic is at risk of being dropped.',
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
    message: `${who(a)} sent ARP again after ${secs(a.gap_s)}, with ${a.frames_since_arp} frame(s) sent in between.${past}`,
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
    a.syn_retransmissions > 0
      ? `; ${a.syn_retransmissions} TCP SYN retransmission(s), ${a.tcp_through_on_retry} attempt(s) through on a retry so far`
      : '';
  let why: string;
  if (a.cause === 'interface-quarantine') {
    why =
      ` It announced a network change (${MARKER_TEXT[a.marker!]}) ${offsetText(a.marker_offset_s!)} the blackout began, and the blackout lasted` +
      " about the 7 s of Windows Firewall's interface-quarantine safety timeout after a live migration.";
  } else if (a.marker !== undefined && a.marker_offset_s !== undefined) {
    why = ` A network change came ${offsetText(a.marker_offset_s)} it began, but ${secs(a.duration_s)} is not the 7 s of the interface quarantine.`;
  } else {
    why = ' No network change was seen near its start: look at what drops inbound traffic to it (firewall, filter, path).';
  }
  return {
    message: `${who(a)} answered no new request for ${secs(a.duration_s)} from ${isoTime(a.start_ts)} (${lostText(a.lost)} unanswered${retries}).${why}`,
    advice: blackoutAdvice(a.cause),
  };
}

/** The option that sets each table's cap (announcing MACs share the host table's). */
const TABLE_OPTION: Readonly<Record<string, string>> = { announcers: 'hosts' };

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
        advice: 'Check that the interface is up and carries the traffic to watch (on Hyper-V, the NIC bound to the vSwitch), and that --filter is not too narrow.',
      };
    case 'capture-stopped':
      return {
        message:
          `The capture on ${a.interface} stopped: ${a.detail}. ` +
          (a.retry ? 'netgap opens it again as soon as it is back (every 3 s).' : 'netgap stops.'),
        advice: a.reason === 'interface-gone' ? 'Bring the interface back, or run netgap on the one that replaced it.' : 'See the message; run netgap again once it is fixed.',
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
  }
}
