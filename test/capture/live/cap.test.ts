// cap's link-type names as LINKTYPE_* numbers (pcap-common.c), and the hint shown when cap is missing.

import { describe, expect, it } from 'vitest';
import { CAP_MISSING_HINT, linkTypeOf } from '../../../src/capture/live/cap';

describe('linkTypeOf', () => {
  it("maps the five names cap's binding gives", () => {
    expect(linkTypeOf('ETHERNET')).toBe(1);
    expect(linkTypeOf('NULL')).toBe(0);
    expect(linkTypeOf('LINKTYPE_LINUX_SLL')).toBe(113);
    expect(linkTypeOf('RAW')).toBe(101);
    expect(linkTypeOf('IEEE802_11_RADIO')).toBe(127);
  });

  it('takes the DLT number of any other, with DLT_RAW as LINKTYPE_RAW', () => {
    expect(linkTypeOf('Unknown linktype 276')).toBe(276);
    expect(linkTypeOf('Unknown linktype 12')).toBe(101);
    expect(linkTypeOf('Unknown linktype 14')).toBe(101);
    expect(linkTypeOf('something else')).toBe(-1);
  });
});

describe('CAP_MISSING_HINT', () => {
  it('names what to install and how to rebuild, in one line', () => {
    expect(CAP_MISSING_HINT).not.toContain('\n');
    expect(CAP_MISSING_HINT).toContain('`npm install` again');
    expect(CAP_MISSING_HINT).toMatch(process.platform === 'win32' ? /Npcap/ : /libpcap-dev/);
  });
});
