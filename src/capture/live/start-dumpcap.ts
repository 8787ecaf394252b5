// Starts Wireshark's dumpcap for one interface under the live capture supervisor (its pcapng turned into capture records by dumpcap.ts), and ticks its streams.

import { spawn } from 'node:child_process';
import type { LiveClock } from './clock';
import { interfaceMtu, interfacePackets, packetCounters } from './counters';
import { DUMPCAP_LATENCY_S, dumpcapArgs, DumpcapStream, waitingForPackets } from './dumpcap';
import { classifyDumpcapError, dumpcapSawGone, isDumpcapChatter } from './dumpcap-messages';
import { DumpcapPipe } from './dumpcap-pipe';
import type { CaptureHost, Interface, Startup } from './interface-state';
import { STATS_MS } from './interface-state';
import { readLines } from './lines';
import { raisePriority } from './process';

/** dumpcap's last lines kept for the error message, beyond its normal chatter. */
const STDERR_TAIL_LINES = 20;
/** What a capture needs, and all dumpcap keeps under --user (setpriv's capability names). */
const CAPTURE_CAPS = '+net_raw,+net_admin';

/**
 * dumpcap on one interface: its pcapng is parsed here and turned into the same records a capture
 * process of netgap's own writes (dumpcap.ts), so that the merge, ticks and loss work alike.
 * With --user it starts as that user, holding only the two capabilities a capture needs (which
 * dumpcap gives up itself once the interface is open).
 */
export function startDumpcap(host: CaptureHost, f: Interface, startup: Startup | null, path: string): void {
  const o = host.options;
  const args = dumpcapArgs({ device: f.name, filter: o.filter, bufferBytes: o.bufferBytes });
  const runAs = o.runAs;
  let pipe: DumpcapPipe | null = null;
  if (process.platform !== 'win32') {
    try {
      // The end is handled at 'close', after a last drain.
      pipe = new DumpcapPipe(
        (chunk) => onData(chunk),
        () => undefined,
      );
    } catch {
      pipe = null; // no mkfifo: dumpcap's stdout is read as a stream
    }
  }
  // A process group of its own: the terminal's ^C reaches netgap alone, which then stops dumpcap
  // (dumpcap would otherwise stop by itself, and look like a capture that failed).
  const options = { stdio: ['pipe', pipe?.writeFd ?? 'pipe', 'pipe'] as ['pipe', 'pipe' | number, 'pipe'], detached: process.platform !== 'win32' };
  const child =
    runAs === null
      ? spawn(path, args, options)
      : spawn(
          'setpriv',
          [
            `--reuid=${runAs.uid}`,
            `--regid=${runAs.gid}`,
            '--clear-groups',
            `--inh-caps=${CAPTURE_CAPS}`,
            `--ambient-caps=${CAPTURE_CAPS}`,
            '--',
            path,
            ...args,
          ],
          options,
        );
  pipe?.closeWriteEnd();
  raisePriority(child);
  f.child = child;
  f.pipe = pipe;
  f.state = 'starting';
  f.error = null;
  f.sawGone = false;
  f.stderrTail = [];
  host.merge.open(f.index);
  let kernelBase = -1;
  const stream = new DumpcapStream(
    {
      name: f.name,
      mtu: interfaceMtu(f.name),
      kernelPackets:
        f.lossMethod === 'kernel-counters'
          ? () => {
              const n = kernelBase < 0 ? -1 : interfacePackets(f.name);
              return n < 0 ? -1 : n - kernelBase;
            }
          : null,
      statsS: STATS_MS / 1000,
      latencyS: DUMPCAP_LATENCY_S,
      nowS: () => host.clock.nowS(),
    },
    (records) => host.merge.push(f.index, records),
  );
  f.stream = stream;
  f.packets = packetCounters(f.name);
  let broken = false;
  const onData = (chunk: Buffer): void => {
    if (broken) return;
    try {
      stream.push(chunk);
    } catch (err) {
      // A broken stream from dumpcap: what came before it was delivered; this capture ends.
      broken = true;
      f.error = { reason: 'open-failed', message: err instanceof Error ? err.message : String(err) };
      child.kill('SIGKILL');
      return;
    }
    if (f.state === 'starting' && stream.linkType >= 0) {
      // Read once the ring exists (the interface description follows the open): see child.ts.
      if (f.lossMethod === 'kernel-counters') kernelBase = interfacePackets(f.name);
      f.linkType = stream.linkType;
      f.state = 'capturing';
      startup?.opened();
    }
    host.checkCount();
  };
  child.stdout?.on('data', onData);
  readLines(child.stderr!, (line) => {
    if (isDumpcapChatter(line)) return;
    f.stderrTail.push(line);
    if (f.stderrTail.length > STDERR_TAIL_LINES) f.stderrTail.shift();
  });
  child.stdin?.on('error', () => undefined);
  // Debian's dumpcap, set up for the `wireshark` group, is not even executable by others (EACCES).
  child.on('error', (err: NodeJS.ErrnoException) => {
    f.error = { reason: err.code === 'EACCES' || err.code === 'EPERM' ? 'permission' : 'open-failed', message: `${path}: ${err.message}` };
  });
  child.on('close', (code, signal) => {
    // What it wrote last is still in the FIFO: read it (to its end) before the stream closes.
    pipe?.drain();
    pipe?.close();
    f.pipe = null;
    stream.end();
    const e = classifyDumpcapError(f.stderrTail);
    if (e !== null) f.error ??= e;
    if (dumpcapSawGone(f.stderrTail)) f.sawGone = true;
    // A capture that ran and was stopped: what dumpcap printed besides its counts is passed on.
    if (host.stopping && f.state === 'capturing') for (const line of f.stderrTail) host.onWarning(f.name, line);
    host.closed(f, startup, code, signal);
  });
}

/**
 * Ticks for the dumpcap streams, which carry none of their own. For each, it reads the clock, sees
 * whether dumpcap waits for packets (then it has written all it had), reads the interface's
 * counters and the clock again (watermark.ts), then reads all dumpcap wrote before that moment,
 * and only then vouches: at once from a FIFO (DumpcapPipe); from a stream (Windows), after one
 * more poll phase (this runs in the check phase).
 */
export function dumpcapTicks(ifaces: readonly Interface[], clock: LiveClock): void {
  const later: { stream: DumpcapStream; now: number; waiting: boolean; packets: number; read: number }[] = [];
  for (const f of ifaces) {
    const pid = f.child?.pid;
    if (pid === undefined || f.stream === null) continue;
    const now = clock.nowS();
    const waiting = waitingForPackets(pid);
    const packets = f.packets();
    const read = clock.nowS();
    if (f.pipe === null) {
      later.push({ stream: f.stream, now, waiting, packets, read });
    } else {
      f.pipe.drain();
      f.stream.tick(now, waiting, packets, read);
    }
  }
  if (later.length > 0) setImmediate(() => later.forEach((s) => s.stream.tick(s.now, s.waiting, s.packets, s.read)));
}
