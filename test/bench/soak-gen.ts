// The soak's generator process: the bench's Hyper-V switch for a day of packet time, written as pcap to standard output, never to disk.

/*
 * Usage: node --import tsx test/bench/soak-gen.ts STATIONS SECONDS PROGRESS_FILE, standard output
 * a pipe (or a file). Each time the packet clock enters
 * a new hour, a line `hour H` is appended to PROGRESS_FILE, so that the runner can tell which packet
 * hour each memory sample falls in; at the end, a line `frames N`.
 */

import { appendFileSync, openSync } from 'node:fs';
import { LINKTYPE } from '../../src/frame';
import type { Frame } from '../../src/frame';
import { PcapWriter } from '../../src/capture/file/writer';
import { START_S, writeHypervCapture } from './generate';

const [stationsArg, secondsArg, progress] = process.argv.slice(2);
if (stationsArg === undefined || secondsArg === undefined || progress === undefined) {
  process.stderr.write('usage: soak-gen.ts STATIONS SECONDS PROGRESS_FILE\n');
  process.exit(2);
}
// A new open of the pipe, not fd 1 itself: Node may make fd 1's description non-blocking, and a synchronous write then fails with EAGAIN when netgap is behind.
const pcap = new PcapWriter(openSync('/dev/stdout', 'w'), {
  linkType: LINKTYPE.ETHERNET,
});
let hour = -1;
const writer = {
  write(frame: Frame): void {
    const h = Math.floor((frame.tsSec - START_S) / 3600);
    if (h !== hour) {
      // Flushed first, so that the hour's first frames are on their way when the runner reads the line.
      pcap.flush();
      hour = h;
      appendFileSync(progress, `hour ${h}\n`);
    }
    pcap.write(frame);
  },
};
const stats = writeHypervCapture([writer], {
  stations: Number(stationsArg),
  seconds: Number(secondsArg),
});
pcap.flush();
appendFileSync(progress, `frames ${stats.frames}\n`);
