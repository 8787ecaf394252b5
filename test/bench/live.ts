// The bench's live measure: `netgap live` on a veth in a namespace lab under bursts at 100 kpps, and what it lost (issue 4's live target).

import { join } from 'node:path';
import { burstFile, Lab, labSkipReason, NetgapRun, sleep, toolMissing } from '../live/lab';

/** Frames per burst, and the rate tcpreplay sends them at. */
export const LIVE_BURST_FRAMES = 300_000;
export const LIVE_PPS = 100_000;
/** How long netgap keeps capturing after tcpreplay returns, so that the last frames reach it. */
const DRAIN_MS = 1500;

/** One burst: what tcpreplay sent, what netgap analysed, and the loss it measured against the kernel's counters. */
export interface Burst {
  sent: number;
  frames: number;
  lost: number;
}

/** The bursts, or why they could not be measured here. */
export type LiveResult = { bursts: Burst[] } | { notMeasured: string };

interface CaptureSummary {
  interfaces: { frames: number; packets_lost: number }[];
}

/**
 * `rounds` bursts of LIVE_BURST_FRAMES small frames at LIVE_PPS, replayed by tcpreplay from a host
 * of the namespace lab onto its veth, with `netgap live -i sw-a --json` (every default, its
 * 128 MiB buffer included) capturing the switch's end. A new netgap for each burst, as a user
 * starts it. Needs root, `ip netns`, cap and tcpreplay, like the namespace tests.
 */
export async function measureLive(rounds: number, log: (line: string) => void): Promise<LiveResult> {
  const reason = labSkipReason() ?? toolMissing('tcpreplay');
  if (reason !== null) return { notMeasured: reason };
  try {
    return { bursts: await bursts(rounds, log) };
  } catch (err) {
    // The file rows above are measured already: a lab that fails must not lose them.
    return { notMeasured: `the lab failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function bursts(rounds: number, log: (line: string) => void): Promise<Burst[]> {
  const lab = new Lab('bench');
  try {
    const file = join(lab.dir, 'burst.pcap');
    burstFile(file, LIVE_BURST_FRAMES);
    const done: Burst[] = [];
    for (let i = 0; i < rounds; i++) {
      log(`live: burst ${i + 1} of ${rounds} (${LIVE_BURST_FRAMES} frames at ${LIVE_PPS} pps) ...`);
      const run = new NetgapRun(lab, lab.sw, ['-i', 'sw-a', '--json']);
      await run.listening(1);
      const replay = lab.run(lab.a, ['tcpreplay', '-i', 'eth0', '--pps', String(LIVE_PPS), file]);
      await sleep(DRAIN_MS);
      const { code } = await run.stop();
      if (code !== 0) throw new Error(`netgap live exited ${code}: ${run.stderr}`);
      const sent = Number(/Actual: (\d+) packets/.exec(replay.stdout)?.[1]);
      const iface = (run.summary().capture as CaptureSummary).interfaces[0]!;
      done.push({ sent, frames: iface.frames, lost: iface.packets_lost });
    }
    return done;
  } finally {
    lab.destroy();
  }
}
