// Makes text derived from packets or inputs safe to print on a terminal: no control characters.

/**
 * C0 and C1 control characters (ESC sequences included) and DEL, shown as visible `\xNN` escapes
 * so that a hostile name cannot move the cursor, retitle the terminal or hide a line.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function sanitize(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
