// `netgap deploy logrotate`: a logrotate(8) configuration for the NDJSON alert log of the systemd unit, which netgap reopens on `systemctl reload` (SIGHUP).

import { DEFAULT_LOG_FILE } from './rsyslog';

export interface LogrotateOptions {
  /** The file netgap writes (--output). */
  file?: string;
}

/**
 * logrotate renames the file, then postrotate has netgap open the path again. Lines written
 * between the rename and the reopen land in the renamed file, so it is compressed one rotation
 * later (delaycompress), never while netgap may still write to it. A stopped netgap needs no
 * reload, and logrotate must not report that as an error.
 */
export function logrotateConfig(o: LogrotateOptions = {}): string {
  const file = o.file ?? DEFAULT_LOG_FILE;
  return `# netgap's alert log: \`netgap deploy logrotate > /etc/logrotate.d/netgap\`. After the rename,
# \`systemctl reload netgap\` makes netgap open the path again. Check with: logrotate -d FILE
${file} {
\tweekly
\trotate 8
\tcompress
\tdelaycompress
\tmissingok
\tnotifempty
\tpostrotate
\t\tif systemctl is-active --quiet netgap; then systemctl reload netgap; fi
\tendscript
}
`;
}
