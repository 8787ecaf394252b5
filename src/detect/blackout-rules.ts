// Inbound-blackout rules: what a run, a blackout and a network-change outage are, and the limits the detector works to (KB4338822).

/*
 * What happens ("Hyper-V: LiveMigration cause network problems"): after a live migration the
 * guest gets a network-change indication, and Windows Firewall puts the interface in quarantine,
 * refusing every new inbound connection until the network is classified. When the event that
 * should end it never comes, a hard-coded safety timeout ends it 7 s after the last network
 * event. Pings and UDP fail for those 7 s; TCP gets through on a SYN retransmission. With the
 * firewall off, at most one ping is lost. The host-side fix is KB4338822 with
 * SendLmNetworkChangeIndication=0 (the advice, src/output/describe.ts, gives all three).
 *
 * In packets, per host H (the IP requests are sent to):
 * - H becomes a host when it first answers a request (responses.ts). It remembers which services
 *   answered: echo, and up to SERVICE_PORTS TCP and UDP ports each. A lost request to a service
 *   that never answered (a filtered port, a syslog collector) says nothing about H.
 * - A run is unanswered requests to H with no answered request sent between them; it starts at
 *   the first. It is a blackout once at least `blackoutMinLost` requests are unanswered and their
 *   send times span `blackoutMinS`: inbound-blackout-start, raised then (a run of one is an
 *   isolated loss).
 * - It ends at the first answered request sent after its last unanswered one; the duration is
 *   between the send times of its first unanswered and that answered request. Losses are known
 *   only at their timeouts, after the answers to later requests, so H keeps the send times of
 *   its last ANSWER_RING answers to find that first answer.
 * - The run then settles for --response-timeout: by then every request sent before that answer
 *   has been answered or has timed out, so the lost counts are complete, and a short run whose
 *   losses were still waiting for their timeouts when the answer came is confirmed too.
 *   inbound-blackout is raised when it has settled; a run that settles unconfirmed (one lost
 *   ping) is dropped. A loss sent after the end settles it at once and starts the next run.
 * - Marker: the latest burst of announcements (network-change.ts) from H's MAC (the link source
 *   of its answers) that starts inside the run or at most MARKER_WINDOW_S before it. It is looked
 *   up at every loss of the run, when it is confirmed and when it settles, so a later burst
 *   replaces an earlier one (the announcer keeps only its latest).
 * - Cause: interface-quarantine when answers resume QUARANTINE_S +- QUARANTINE_TOLERANCE_S after
 *   that marker, whatever was lost before it (a migration's stop-and-copy loses answers before
 *   the hypervisor's RARP; the quarantine ends 7 s after the last network event); otherwise
 *   unknown.
 *
 * Network-change outages. When H's MAC (or the address it announces) raises network-change, H
 * is watched: the run of unanswered requests that overlaps the marker +- MARKER_WINDOW_S is that
 * change's outage, raised as network-change-outage once it settles (a single lost ping too: it
 * is the migration's cost, not a blackout). With nothing lost and an answer after the marker,
 * the outage is 0, raised OUTAGE_SETTLE_S after the marker. With no answer after it nothing was
 * measured, and nothing is raised.
 * - Input that ends inside a confirmed blackout leaves it open: the summary gives its duration
 *   so far (no alert: the summary may be a snapshot, and the blackout may go on). One that ended
 *   less than --response-timeout before the input did is in the summary only.
 *
 * TCP retries. The attempts whose SYN was lost during the blackout and that got an answer on a
 * retransmission are counted; the alert counts those answered by its time (pings usually end a
 * blackout first, and Linux's retransmissions come up to 4 s later), the summary all of them.
 *
 * Bounded memory: hosts in a KeyIndex capped at `maxHosts` (least recently used evicted, counted),
 * summary rows capped at MAX_BLACKOUT_ROWS (oldest dropped, counted). A host evicted during a
 * confirmed blackout leaves its row open.
 */

/** Seconds between a network-change marker and the start of the blackout for them to be related (issue 5). */
export const MARKER_WINDOW_S = 2;
/** The quarantine's hard-coded safety timeout, seconds, and the slack allowed around it. */
export const QUARANTINE_S = 7;
export const QUARANTINE_TOLERANCE_S = 1.5;
/** TCP and UDP ports remembered per host as having answered (most recent first wins). */
export const SERVICE_PORTS = 8;
/**
 * Send times of answered requests kept per host. A run's boundaries are exact while the host
 * answers at most this many requests within --response-timeout; beyond that, the end is the
 * latest answer the ring let go of, a little late.
 */
export const ANSWER_RING = 16;
/** Blackouts kept for the summary; beyond, the oldest is dropped. */
export const MAX_BLACKOUT_ROWS = 1024;
/** Network-change outages kept for the summary; beyond, the oldest is dropped. */
export const MAX_OUTAGE_ROWS = 1024;
/**
 * Seconds after a network change by which, with nothing lost, its outage is said to be 0: past
 * the MARKER_WINDOW_S a related run may start in, with a second of slack; --response-timeout,
 * the first loss's wait, is added at run time.
 */
export const OUTAGE_SETTLE_S = MARKER_WINDOW_S + 1;

export interface BlackoutOptions {
  responseTimeoutS: number;
  blackoutMinS: number;
  blackoutMinLost: number;
  maxHosts: number;
}
