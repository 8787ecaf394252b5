// The terminal's colours: how many to draw with (terminfo's count, corrected), and tagged text without them (no-color.org).

/**
 * The colours to draw with. blessed reads tmux-256color and screen-256color as plain xterm (8
 * colours) and then draws grey (bright black) as black; xterm, tmux, screen and the Linux console
 * all take the 16 colours of SGR 90-97, so 8 becomes 16, and a `*-256color` name gets 256.
 */
export function colourCount(term: string, read: number): number {
  if (read < 8) return read;
  return Math.max(read, /-256colou?r$/.test(term) ? 256 : 16);
}

/** Tagged text without its colour tags; the selected row's background becomes inverse video. */
export function withoutColours(tagged: string): string {
  return tagged.replace(/\{(\/?)blue-bg\}/g, '{$1inverse}').replace(/\{\/?(?:black|red|green|yellow|blue|magenta|cyan|white|gray|grey)-(?:fg|bg)\}/g, '');
}
