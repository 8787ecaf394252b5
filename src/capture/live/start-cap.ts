// Starts netgap's own capture process (child.ts, on `cap`) for one interface under the live capture supervisor, and reads what it says on stderr.

import type { CaptureHost, Interface, Startup } from './interface-state';
import { STATS_MS, TICK_MS } from './interface-state';
import { readLines } from './lines';
import { classifyStderrLine, spawnCaptureProcess } from './process';
import type { CaptureProcessConfig } from './stream';

/** netgap's own capture process on one interface: its records go to the merge as they come. */
export function startCapProcess(host: CaptureHost, f: Interface, startup: Startup | null): void {
  const o = host.options;
  const config: CaptureProcessConfig = {
    device: f.name,
    filter: o.filter,
    bufferBytes: o.bufferBytes,
    anchor: host.clock.anchor,
    tickMs: TICK_MS,
    statsMs: STATS_MS,
    countKernel: f.lossMethod === 'kernel-counters',
    runAs: o.runAs,
  };
  const child = spawnCaptureProcess(config);
  f.child = child;
  f.state = 'starting';
  f.error = null;
  f.sawGone = false;
  host.merge.open(f.index);
  child.stdout.on('data', (chunk: Buffer) => {
    host.merge.push(f.index, chunk);
    // At startup run() has not attached the merge yet: the HELLO waits at the head of the stream.
    const hello = f.state === 'starting' ? host.merge.helloOf(f.index) : null;
    if (hello !== null) {
      f.linkType = hello.linkType;
      f.state = 'capturing';
      startup?.opened();
    }
    host.checkCount();
  });
  readLines(child.stderr, (line) => capStderrLine(host, f, line));
  child.stdin.on('error', () => undefined); // EPIPE when it has already exited
  child.on('close', (code, signal) => host.closed(f, startup, code, signal));
}

/** A line the capture process printed: its error, the device gone, or anything else as a warning. */
function capStderrLine(host: CaptureHost, f: Interface, line: string): void {
  const said = classifyStderrLine(line);
  if (said.kind === 'error') f.error = said.error;
  else if (said.kind === 'device-gone') f.sawGone = true;
  else if (said.kind === 'other') host.onWarning(f.name, line);
}
