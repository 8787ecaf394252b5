// Vendors from the IEEE registry, Hyper-V called out.

import { expect, it } from 'vitest';
import { vendorOf } from '../../src/output/vendor';

it('shows Hyper-V for 00:15:5d, the registry name for others, and flags locally administered MACs', () => {
  expect(vendorOf('00:15:5d:01:00:10')).toBe('Microsoft (Hyper-V)');
  expect(vendorOf('00:19:06:ea:b8:c1')).toBe('Cisco Systems, Inc');
  expect(vendorOf('02:00:00:00:00:01')).toBe('(locally administered)');
  expect(vendorOf('f0:ff:ff:00:00:01')).toBe('');
});
