// `netgap interfaces`: one line per device, addresses with their prefix lengths.

import { describe, expect, it } from 'vitest';
import { interfaceLines, prefixLength } from '../../src/cli/interfaces';

describe('prefixLength', () => {
  it('counts the bits of IPv4 and IPv6 netmasks', () => {
    expect(prefixLength('255.255.255.0')).toBe(24);
    expect(prefixLength('255.255.252.0')).toBe(22);
    expect(prefixLength('ffff:ffff:ffff:ffff::')).toBe(64);
    expect(prefixLength('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(128);
    expect(prefixLength(undefined)).toBeNull();
  });
});

describe('interfaceLines', () => {
  it('numbers the devices and shows addresses, description and loopback flag, escaping control characters', () => {
    expect(
      interfaceLines([
        {
          name: 'eth0',
          addresses: [
            { addr: '192.0.2.5', netmask: '255.255.255.0' },
            { addr: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::' },
          ],
        },
        { name: 'any', description: 'Pseudo-device that captures on all interfaces', addresses: [] },
        { name: 'lo', addresses: [{ addr: '127.0.0.1', netmask: '255.0.0.0' }], flags: 'PCAP_IF_LOOPBACK' },
        { name: 'evil\u001b[2J', addresses: [] },
      ]),
    ).toEqual([
      '1. eth0  192.0.2.5/24, fe80::1/64',
      '2. any  (Pseudo-device that captures on all interfaces)',
      '3. lo  127.0.0.1/8  [loopback]',
      '4. evil\\x1b[2J',
    ]);
  });
});
