// Control characters from packets never reach the terminal raw.

import { expect, it } from 'vitest';
import { sanitize } from '../../src/output/sanitize';

it('escapes ESC sequences, C1 controls, DEL and newlines, and leaves printable text alone', () => {
  expect(sanitize('\u001b]0;owned\u0007host')).toBe('\\x1b]0;owned\\x07host');
  expect(sanitize('a\nb\rc\u007f\u009b')).toBe('a\\x0ab\\x0dc\\x7f\\x9b');
  expect(sanitize('Microsoft (Hyper-V) é')).toBe('Microsoft (Hyper-V) é');
});
