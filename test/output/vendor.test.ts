// Vendors from the IEEE registries, Hyper-V called out, looked up in oui-data's text.

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { OuiRegistry, vendorOf } from '../../src/output/vendor';

it('shows Hyper-V for 00:15:5d, the registry name for others, and flags locally administered MACs', () => {
  expect(vendorOf('00:15:5d:01:00:10')).toBe('Microsoft (Hyper-V)');
  expect(vendorOf('00:19:06:ea:b8:c1')).toBe('Cisco Systems, Inc');
  expect(vendorOf('02:00:00:00:00:01')).toBe('(locally administered)');
  expect(vendorOf('f0:ff:ff:00:00:01')).toBe('');
});

it('names the owner of a small block (MA-M, MA-S) inside an IEEE block, not the IEEE', () => {
  // 8C:1F:64 is an IEEE Registration Authority block split into MA-S blocks.
  expect(vendorOf('8c:1f:64:ff:c0:01')).toBe('Invendis Technologies India Pvt Ltd');
  expect(vendorOf('8c:1f:64:00:00:01')).not.toMatch(/IEEE Registration Authority/);
});

it("finds every entry of the installed registry exactly as JSON.parse reads it (the binary search's sorted-runs assumption)", () => {
  const path = require.resolve('oui-data');
  const text = readFileSync(path, 'utf8');
  const parsed = JSON.parse(text) as Record<string, string>;
  const registry = new OuiRegistry(text);
  const keys = Object.keys(parsed);
  expect(keys.length).toBeGreaterThan(40000);
  for (const key of keys) expect(registry.lookup(key), key).toBe(parsed[key]);
  expect(registry.lookup('FFFFFF')).toBeUndefined();
  expect(registry.lookup('0')).toBeUndefined();
});

it('reads a registry with escapes in its names, and one without a trailing comma on its last entry', () => {
  const text = ['{', ' "000001": "A \\"quoted\\" name\\nStreet 1",', ' "000002": "B\\u00e9",', ' "0000011": "Small block"', '}', ''].join('\n');
  const registry = new OuiRegistry(text);
  expect(registry.lookup('000001')).toBe('A "quoted" name\nStreet 1');
  expect(registry.lookup('000002')).toBe('Bé');
  expect(registry.lookup('0000011')).toBe('Small block');
  expect(registry.lookup('000003')).toBeUndefined();
});
