// A capture process of `netgap live` (as dumpcap is Wireshark's): opens one interface with cap, stamps each frame on arrival, writes records to stdout.

import type { Cap } from 'cap';
import type { CapBinding } from './cap';
import { linkTypeOf, loadCap } from './cap';
import { LiveClock } from './clock';
import { interfaceMtu, interfacePackets, maxWireFrame, oversizeWirePackets } from './counters';
import type { CaptureErrorLine, CaptureErrorReason, CaptureProcessConfig } from './stream';
import { CAPTURE_ERROR_PREFIX, CAPTURE_FAILED_EXIT, RecordWriter } from './stream';
import { dropPrivileges } from './user';
import { LINKTYPE } from '../../frame';
import type { TimeOut } from '../timestamp';

/** cap's snaplen (fixed in its binding.cc): a frame never exceeds this buffer. */
const CAP_SNAPLEN = 65535;
/**
 * After each drain of the ring the process sleeps this long, so that under load packets gather in
 * the ring and the next wake-up drains many at once. cap puts libpcap in immediate mode, so without
 * this the process wakes (and writes to the parent) for nearly every packet. Idle, it costs
 * nothing; it adds at most this much to an alert's latency, and the ring must hold this long of
 * traffic.
 */
const COALESCE_MS = 1;
/** At stop, the wait between the last counter sample and its completion (loss.ts): the ring is drained in between. */
const FINAL_SAMPLE_GAP_MS = 50;
const STDOUT_FD = 1;

/** libpcap's messages, sorted into the stable reasons the parent explains. */
export function classifyOpenError(message: string, filter: string): CaptureErrorReason {
  if (/operation not permitted|permission denied|don't have permission/i.test(message)) return 'permission';
  if (/no such device|doesn't exist|not found/i.test(message)) return 'no-device';
  if (filter !== '' && /filter|expression|syntax|unknown|illegal|not supported/i.test(message)) return 'filter';
  return 'open-failed';
}

function fail(reason: CaptureErrorReason, message: string): never {
  const line: CaptureErrorLine = { reason, message };
  process.stderr.write(CAPTURE_ERROR_PREFIX + JSON.stringify(line) + '\n');
  process.exit(CAPTURE_FAILED_EXIT);
}

/**
 * Why a process of its own: cap aborts the whole process (an assertion in its poll callback) when
 * the interface goes away, and libpcap writes warnings straight to file descriptor 2. Here both
 * only end this process and reach the parent through a pipe; the analysis keeps its state, and the
 * parent starts a new capture process when the interface returns. It also puts the capture on its
 * own CPU: this process only stamps and copies, the parent decodes.
 */
class CaptureProcess {
  private readonly clock: LiveClock;
  /** The parent is gone when a write fails (EPIPE): nothing left to capture for. */
  private readonly out = new RecordWriter(STDOUT_FD, () => process.exit(0));
  /** Held for the life of the process: cap writes every packet into it through a raw pointer. */
  private readonly buffer = Buffer.alloc(CAP_SNAPLEN);
  private readonly stamp: TimeOut = { tsSec: 0, tsNsec: 0 };
  private cap: Cap | null = null;
  private mtu = 0;
  private maxFrame = Infinity;
  private kernelBase = -1;
  private frames = 0;
  private oversize = 0;
  private oversizePackets = 0;
  private drainPending = false;
  private drainedSinceHeartbeat = false;
  /** Atomics.wait needs an Int32Array on shared memory; nothing ever notifies it. */
  private readonly nap = new Int32Array(new SharedArrayBuffer(4));
  private lastStatsMs = 0;
  /** A sample waiting for its second half (see loss.ts): the counters and what was seen then; NaN when none. */
  private sampleKernel = NaN;
  private sampleSeen = 0;
  private stopping = false;
  private readonly afterDrainLater = (): void => this.afterDrain();

  constructor(private readonly config: CaptureProcessConfig) {
    this.clock = new LiveClock(config.anchor);
  }

  start(): void {
    const config = this.config;
    let binding: CapBinding;
    try {
      binding = loadCap();
    } catch (err) {
      fail('cap-missing', (err as Error).message);
    }
    const cap = new binding.Cap();
    let linkName: string;
    try {
      linkName = cap.open(config.device, config.filter, config.bufferBytes, this.buffer);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      fail(classifyOpenError(message, config.filter), message);
    }
    this.cap = cap;
    // Npcap only: hand over each packet at once, as immediate mode does for libpcap on Linux.
    cap.setMinBytes?.(0);
    const linkType = linkTypeOf(linkName);
    if (config.runAs !== null) {
      try {
        dropPrivileges(config.runAs);
      } catch (err) {
        cap.close();
        fail('user', (err as Error).message);
      }
    }
    this.mtu = interfaceMtu(config.device);
    if (linkType === LINKTYPE.ETHERNET && this.mtu > 0) this.maxFrame = maxWireFrame(this.mtu);
    // Read after the ring exists: a packet counted between the two is delivered and makes the
    // count look short by one (clamped away), never a loss that did not happen.
    if (config.countKernel) this.kernelBase = interfacePackets(config.device);

    this.clock.stamp(this.stamp);
    this.out.hello(this.stamp, linkType < 0 ? 0 : linkType, this.mtu);
    this.out.flush();
    cap.on('packet', (nbytes: number) => this.packet(nbytes));

    setInterval(() => setImmediate(() => this.heartbeat()), this.config.tickMs);
    process.on('SIGTERM', () => this.stop());
    // The terminal's ^C reaches the whole process group: the parent decides when to stop.
    process.on('SIGINT', () => undefined);
    process.on('SIGHUP', () => undefined);
    // The parent closes stdin to stop us, and it closes when the parent dies.
    process.stdin.on('end', () => this.stop());
    process.stdin.resume();
  }

  /**
   * Hot path, once per packet (cap's event): stamp, copy into the chunk, count. Nothing is
   * allocated but one setImmediate per drain of the ring (many packets under load).
   */
  private packet(nbytes: number): void {
    this.clock.stamp(this.stamp);
    // A frame the queue has no room for is not counted: the kernel counters show it as lost.
    if (!this.out.frame(this.stamp, this.buffer, nbytes)) return;
    this.frames++;
    if (nbytes > this.maxFrame) this.countOversize(nbytes);
    if (!this.drainPending) {
      this.drainPending = true;
      // cap empties the ring in one poll callback; this runs right after it (check phase).
      setImmediate(this.afterDrainLater);
    }
  }

  /** Rare path: a frame merged by offload stands for several wire packets in the counters. */
  private countOversize(nbytes: number): void {
    this.oversize++;
    this.oversizePackets += oversizeWirePackets(this.buffer, nbytes, this.mtu);
  }

  /**
   * The ring was just emptied: the moment to compare the counters with the frames delivered (only
   * what arrived in the last microseconds is in flight), to hand the records to the parent, and to
   * let packets gather before the next wake-up.
   */
  private afterDrain(): void {
    this.drainPending = false;
    this.drainedSinceHeartbeat = true;
    // This drain came at least one pause after the pending sample: everything then in the ring is delivered now.
    this.completeSample();
    const now = Date.now();
    if (now - this.lastStatsMs >= this.config.statsMs) this.sample(now);
    this.out.flush();
    Atomics.wait(this.nap, 0, 0, COALESCE_MS);
  }

  /**
   * Every tickMs: a TICK, and a counter sample when no traffic came since the last heartbeat (with
   * traffic, afterDrain takes them: here the ring may have filled during its pause).
   */
  private heartbeat(): void {
    if (this.stopping) return;
    if (!this.drainedSinceHeartbeat) {
      // Nothing came since the last heartbeat (a packet would have been drained before this check
      // phase): the ring held nothing, so a pending sample is complete, and a new one is exact.
      this.completeSample();
      const now = Date.now();
      if (now - this.lastStatsMs >= this.config.statsMs) this.sample(now);
    }
    this.drainedSinceHeartbeat = false;
    this.clock.stamp(this.stamp);
    this.out.tick(this.stamp);
    this.out.flush();
  }

  /** Packets delivered so far, counting an offload-merged frame as the wire packets it carries. */
  private seen(): number {
    return this.frames - this.oversize + this.oversizePackets;
  }

  /** Reads the counters; the STATS record is written once the ring has been drained again (completeSample). */
  private sample(nowMs: number): void {
    this.lastStatsMs = nowMs;
    const counted = this.kernelBase < 0 ? -1 : interfacePackets(this.config.device);
    this.sampleKernel = counted < 0 ? -1 : counted - this.kernelBase;
    this.sampleSeen = this.seen();
  }

  private completeSample(): void {
    if (Number.isNaN(this.sampleKernel)) return;
    this.clock.stamp(this.stamp);
    this.out.stats(this.stamp, this.sampleKernel, this.sampleSeen, this.seen(), this.oversize);
    this.sampleKernel = NaN;
  }

  /**
   * A last sample while the capture still runs, completed FINAL_SAMPLE_GAP_MS later (the ring has
   * been drained since); then close, a last tick, and exit once the parent has everything.
   */
  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    // Right after the poll phase (which drained the ring), as afterDrain samples.
    setImmediate(() => {
      this.completeSample();
      this.sample(Date.now());
      setTimeout(() => this.finish(), FINAL_SAMPLE_GAP_MS);
    });
  }

  private finish(): void {
    this.completeSample();
    this.cap?.close();
    this.clock.stamp(this.stamp);
    this.out.tick(this.stamp);
    this.out.end(() => process.exit(0));
  }
}

if (require.main === module) {
  new CaptureProcess(JSON.parse(process.argv[2] ?? '{}') as CaptureProcessConfig).start();
}
