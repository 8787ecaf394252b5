// The IPv6 collision checks: with every IPv6 address given the same key, only the 16 bytes kept beside it tell requests and hosts apart.

import { describe, expect, it, vi } from 'vitest';
import { CLIENT6, echo6, network, VM6 } from './traffic';

vi.mock(import('../../src/detect/ip-key'), async (importOriginal) => {
  const real = await importOriginal();
  const same = real.IPV6_KEY_BASE + 1;
  return {
    ...real,
    ipv6Key: () => same,
    ipv6KeyInto: (_buf: Buffer, _off: number, out: Float64Array, slot: number) => {
      out[slot] = same;
    },
  };
});

const OTHER6 = { mac: '00:15:5d:05:00:1e', ip6: '2001:db8::1e' };

describe('IPv6 keys that collide', () => {
  it('do not let a reply from another address answer a request', () => {
    const { engine, send } = network();
    send(0, echo6(CLIENT6, VM6, 128, 1));
    send(0.1, echo6(OTHER6, CLIENT6, 129, 1)); // same key, same identifier and sequence, other bytes
    expect(engine.responses.size).toBe(1);
    send(0.2, echo6(VM6, CLIENT6, 129, 1));
    expect(engine.responses.size).toBe(0);
  });

  it('make a newer request take the slot of an older one, counted as evicted', () => {
    const { engine, send } = network();
    send(0, echo6(CLIENT6, VM6, 128, 1));
    send(0.1, echo6(CLIENT6, OTHER6, 128, 1));
    expect(engine.responses.size).toBe(1);
    expect(engine.finish().evicted.requests).toBe(1);
  });

  it('keep two hosts with one key apart: a lost request to one says nothing about the other', () => {
    const { engine, alerts, send } = network();
    // VM6 answers; then OTHER6 (never a host) loses requests for 3 s: no blackout of VM6.
    for (let i = 0; i < 5; i++) {
      send(i * 0.2, echo6(CLIENT6, VM6, 128, i));
      send(i * 0.2 + 0.001, echo6(VM6, CLIENT6, 129, i));
    }
    for (let i = 0; i < 15; i++) send(1 + i * 0.2, echo6(CLIENT6, OTHER6, 128, 100 + i));
    engine.tick(engine.clock.now + 5);
    expect(alerts).toEqual([]);
    expect(engine.blackout.size).toBe(1);
  });
});
