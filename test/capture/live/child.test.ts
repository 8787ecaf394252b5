// The capture process's reading of libpcap's error messages into stable reasons.

import { describe, expect, it } from 'vitest';
import { classifyOpenError } from '../../../src/capture/live/child';

describe('classifyOpenError', () => {
  it("sorts libpcap's messages as cap throws them", () => {
    expect(classifyOpenError('socket: Operation not permitted', '')).toBe('permission');
    expect(classifyOpenError('No such device exists', '')).toBe('no-device');
    expect(classifyOpenError("can't parse filter expression: syntax error", 'arp or ((')).toBe('filter');
    expect(classifyOpenError('SIOCGIFHWADDR: Bad address', '')).toBe('open-failed');
  });

  it('calls nothing a filter error when no filter was given', () => {
    expect(classifyOpenError('syntax error', '')).toBe('open-failed');
  });
});
