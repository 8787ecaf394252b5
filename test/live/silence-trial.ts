// One trial of alert latency in the namespace lab (issue 16): traffic, then silence in which timer alerts fall due, then frames that raise alerts themselves; used by test/live and the bench.

import type { Lab, NdjsonRecord } from './lab';
import { finished, HOST_B, NetgapRun, sleep } from './lab';

/**
 * The ping's first frames carry the hosts' ARPs: both stations warn 2 s later, about 1 s into the
 * silence after the ping, and capture-idle comes 1.5 s after its last frame; a frame 3 s after
 * the ARPs expires both, and an announcement recovers host a.
 */
export const SILENCE_ARGS = ['--arp-warn', '2', '--arp-threshold', '3', '--idle', '1.5'];
const TIMER_KINDS = ['arp-gap-warning', 'capture-idle'];
const FRAME_KINDS = ['arp-gap-expired', 'arp-gap-recovered'];

export interface AlertLatency {
  readonly kind: string;
  /** When its line reached the reader minus its `ts`, seconds. */
  readonly latencyS: number;
  /** Timer alerts: how long after the last frame before it the alert was due, seconds. */
  readonly silenceS: number;
}

export interface SilenceTrial {
  /** Alerts raised by the packet clock's timers in silence. */
  readonly timer: AlertLatency[];
  /** Alerts raised by the frame that makes them (which reaches netgap as late as its engine hands it on). */
  readonly frame: AlertLatency[];
  /** Frames handled after a tick had passed their time (the summary's ts_backwards). */
  readonly tsBackwards: number;
  readonly exit: number | null;
  readonly stderr: string;
}

const kindCount = (run: NetgapRun, kind: string): number => run.lines.filter((l) => l.text.includes(`"kind":"${kind}"`)).length;

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await sleep(50);
}

/** One `netgap live -i sw-a` on `engine` through the trial; the lab must be idle (no other traffic on sw-a). */
export async function silenceTrial(lab: Lab, engine: string, extra: readonly string[] = []): Promise<SilenceTrial> {
  // Empty ARP caches: the ping's first frames are ARPs, whatever trial came before.
  for (const ns of [lab.a, lab.b]) lab.ip('-n', ns, 'neigh', 'flush', 'all');
  const run = new NetgapRun(lab, lab.sw, ['-i', 'sw-a', '--json', ...SILENCE_ARGS, '--capture-engine', engine, ...extra]);
  await run.listening(1);
  await sleep(300);
  await finished(lab.spawn(lab.a, ['ping', '-q', '-c', '20', '-i', '0.05', HOST_B]));
  await until(() => kindCount(run, 'arp-gap-warning') >= 2 && kindCount(run, 'capture-idle') >= 1, 10_000);
  const warning = run.alerts().find((a) => a.kind === 'arp-gap-warning');
  const expireAt = warning === undefined ? 0 : (warning.last_arp_ts as number) + 3.2;
  while (Date.now() / 1000 < expireAt) await sleep(50);
  // Started in the background: a blocking spawn would hold back the lines being timed.
  await finished(lab.spawn(lab.a, ['ping', '-q', '-c', '1', HOST_B]));
  // Before the announcement, whose start blocks this process a moment (arping --help).
  await until(() => kindCount(run, 'arp-gap-expired') >= 2, 3000);
  await finished(lab.announceA());
  await until(() => kindCount(run, 'arp-gap-recovered') >= 1, 5000);
  await sleep(200);
  const { code } = await run.stop('SIGTERM');
  // Entries just used are probed 5 s later (a unicast ARP and its answer): not into what runs next.
  for (const ns of [lab.a, lab.b]) lab.ip('-n', ns, 'neigh', 'flush', 'all');
  const lines = run.lines.map((l) => ({ at: l.at, r: JSON.parse(l.text) as NdjsonRecord }));
  const summary = lines.find((l) => l.r.type === 'summary')?.r;
  const alerts = lines.filter((l) => l.r.type === 'alert');
  // capture-idle names the last frame before the silence (the frames themselves are not printed).
  const idle = alerts.find((l) => l.r.kind === 'capture-idle')?.r;
  const lastFrame = idle === undefined ? NaN : idle.ts - (idle.idle_s as number);
  const latency = (l: { at: number; r: NdjsonRecord }): AlertLatency => ({ kind: l.r.kind, latencyS: l.at - l.r.ts, silenceS: l.r.ts - lastFrame });
  return {
    timer: alerts.filter((l) => TIMER_KINDS.includes(l.r.kind)).map(latency),
    frame: alerts.filter((l) => FRAME_KINDS.includes(l.r.kind)).map((l) => ({ ...latency(l), silenceS: 0 })),
    tsBackwards: summary === undefined ? -1 : (summary.ts_backwards as number),
    exit: code,
    stderr: run.stderr,
  };
}

/** Median and largest of `xs` (NaN when empty). */
export function p50max(xs: readonly number[]): { p50: number; max: number } {
  if (xs.length === 0) return { p50: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { p50: s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2, max: s[s.length - 1]! };
}
