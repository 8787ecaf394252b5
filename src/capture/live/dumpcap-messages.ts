// What dumpcap prints on stderr: its normal chatter, its errors as stable reasons, and an interface that went away.

import type { CaptureErrorReason } from './stream';

/** What dumpcap prints on stderr in a normal run (start and final counts): not worth a warning. */
const CHATTER = [/^Capturing on /, /^File: /, /^Packets captured: /, /^Packets received\/dropped on interface /, /^Packets: \d+/];

export function isDumpcapChatter(line: string): boolean {
  // Its running count is rewritten in place with a carriage return before each update.
  const text = line.replace(/^[\r\s]+/, '');
  return text === '' || CHATTER.some((re) => re.test(text));
}

/**
 * dumpcap's error text (it prints `dumpcap: <what>` and explanations on the next lines) as one of
 * the stable reasons, with the first line as the message (and the parenthesised cause after it).
 * Returns null when the text holds no `dumpcap:` line.
 */
export function classifyDumpcapError(lines: readonly string[]): { reason: CaptureErrorReason; message: string } | null {
  const at = lines.findIndex((l) => l.startsWith('dumpcap: '));
  if (at < 0) return null;
  const first = lines[at]!.slice('dumpcap: '.length).trim();
  const cause = lines[at + 1]?.trim() ?? '';
  const message = /^\(.*\)$/.test(cause) ? `${first} ${cause}` : first;
  let reason: CaptureErrorReason = 'open-failed';
  if (/permission|not permitted/i.test(message)) reason = 'permission';
  else if (/no device named|no such device|doesn't exist|not found/i.test(message)) reason = 'no-device';
  else if (/capture filter/i.test(message)) reason = 'filter';
  return { reason, message };
}

/** True when dumpcap's text says the interface disappeared under it (not a failure of netgap's). */
export function dumpcapSawGone(lines: readonly string[]): boolean {
  // dumpcap 4.0 on Linux: `The network adapter "x" is no longer attached; the capture has stopped.`
  return lines.some((l) => /no longer (attached|running)|no such device|network is down/i.test(l));
}
