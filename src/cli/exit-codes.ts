// netgap's exit codes: what a script or a service manager learns from how netgap ended (README: "Exit codes").

/**
 * - `OK` (0): the run ended as asked: the input was read to its end, `live` was stopped by
 *   SIGINT, SIGTERM, `--count` or `--duration`, the dashboard was quit, or `--help`/`--version`.
 * - `ALERTED` (1): `read --fail-on` matched: an alert of that severity or worse was raised.
 * - `USAGE` (2): the command line cannot work (unknown option, bad value, options that exclude
 *   each other); one line on stderr says which, and nothing was read.
 * - `INPUT` (2): an input could not be read to its end; every alert before the damage and the
 *   summary were written, then one line naming the file and byte offset.
 * - `CAPTURE` (2): live capture could not start, or an interface went away under `--no-retry`.
 *
 * The failures share 2, as grep and tcpdump give one code for trouble: the stderr line tells them apart.
 */
export const EXIT = { OK: 0, ALERTED: 1, USAGE: 2, INPUT: 2, CAPTURE: 2 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
