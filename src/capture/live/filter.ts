// The BPF program (pcap-filter(7)) a live capture runs: the ARP frames the detectors need, or'ed with the user's `--filter`.

/**
 * What the detectors always need, whatever `--filter` says: every ARP and RARP frame, so that
 * each station's refreshes are seen. `arp or rarp` covers untagged frames, and on Linux also
 * frames under one VLAN tag, since the kernel strips that tag before the filter runs. The byte
 * tests cover tags left in the frame (Npcap, an inner QinQ tag) for 802.1Q, 802.1ad and 0x9100.
 * They use `ether[]` rather than pcap-filter's `vlan`, because `vlan` shifts the offsets of
 * everything after it in the expression: the user's filter comes last and keeps its own meaning.
 */
const TAG = '(ether[12:2] = 0x8100 or ether[12:2] = 0x88a8 or ether[12:2] = 0x9100)';
const INNER_TAG = '(ether[16:2] = 0x8100 or ether[16:2] = 0x88a8 or ether[16:2] = 0x9100)';
const ARP_AT = (off: number): string => `(ether[${off}:2] = 0x0806 or ether[${off}:2] = 0x8035)`;
export const DETECTOR_FILTER = `arp or rarp or (${TAG} and (${ARP_AT(16)} or (${INNER_TAG} and ${ARP_AT(20)})))`;

/** The BPF program for a user's `--filter`: theirs or what the detectors need. No filter: everything. */
export function combineFilter(user: string): string {
  return user.trim() === '' ? '' : `${DETECTOR_FILTER} or (${user})`;
}
