// The live capture buffer's size limits, apart from live.ts so that the command line reads them without loading live capture.

/**
 * The default buffer, per interface. Measured on a 2-core VM, 300 000 frames at 100 kpps onto a
 * veth (README, "Live capture"): 16 MiB lost about 6 %, 64 MiB up to 3 %, 128 MiB nothing in
 * eight runs. With offloads on, libpcap gives each frame a 128 KiB slot, so 128 MiB is about 1000
 * frames: 10 ms of that traffic.
 */
export const DEFAULT_BUFFER_MIB = 128;
/** cap passes the size as a C int. */
export const MAX_BUFFER_MIB = 2047;
