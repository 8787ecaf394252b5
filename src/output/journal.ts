// The priority a line on stderr carries into systemd's journal (sd-daemon(3) prefixes, RFC 5424 severities).

import { fstatSync } from 'node:fs';
import { sanitize } from './sanitize';

const PRIORITY = { err: 3, warning: 4, info: 6 } as const;
export type Priority = keyof typeof PRIORITY;

/**
 * Whether stderr is a stream to systemd's journal: systemd sets JOURNAL_STREAM to that stream's
 * device and inode (systemd.exec(5)), so a stderr the user redirected elsewhere does not match.
 */
export function isJournalStream(env: NodeJS.ProcessEnv = process.env, fd = 2): boolean {
  const stream = env.JOURNAL_STREAM;
  if (stream === undefined) return false;
  try {
    const st = fstatSync(fd, { bigint: true });
    return stream === `${st.dev}:${st.ino}`;
  } catch {
    return false;
  }
}

let toJournal: boolean | undefined;

/**
 * What begins a line netgap writes on stderr: `<N>` when the journal reads it, so that
 * `journalctl -p err` shows why netgap stopped (the journal files unprefixed lines as info).
 */
export function priorityPrefix(priority: Priority): string {
  toJournal ??= isJournalStream();
  return toJournal ? `<${PRIORITY[priority]}>` : '';
}

/** One line of netgap's on stderr: its priority where the journal reads it, then `netgap: ` and the text, escaped. */
export function stderrLine(priority: Priority, text: string): string {
  return `${priorityPrefix(priority)}netgap: ${sanitize(text)}\n`;
}
