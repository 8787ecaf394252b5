// The bounded numeric-key index: lookups against a Map model under random adds and removes, least-recently-used order, growth to the cap.

import { describe, expect, it } from 'vitest';
import { KeyIndex } from '../../src/detect/key-index';
import { Rng } from '../../fixtures/rng';

/** The shared seeded PRNG (fixtures/rng.ts) as a function, so that a failure reproduces from its seed. */
function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

describe('KeyIndex', () => {
  it('finds the keys it holds and no others, through adds and removes that shift probe runs back', () => {
    const rnd = prng(5);
    const index = new KeyIndex(5000);
    const model = new Map<number, number>();
    // Few distinct keys (and large ones, beyond 2^32 and 2^52) so that slots collide and removals shift runs.
    const keyOf = () => [Math.floor(rnd() * 6000), 0x1_0000_0000 + Math.floor(rnd() * 3000), 2 ** 52 + Math.floor(rnd() * 3000)][Math.floor(rnd() * 3)]!;
    // Plain comparisons in the loop (an expect per step costs more than the index); the first
    // disagreement is reported.
    let firstWrong = '';
    for (let step = 0; step < 200_000 && firstWrong === ''; step++) {
      const key = keyOf();
      const id = index.lookup(key);
      if (id !== (model.get(key) ?? -1)) firstWrong = `step ${step}: find(${key}) = ${id}, model ${model.get(key)}`;
      if (id >= 0 && rnd() < 0.5) {
        index.remove(id);
        model.delete(key);
      } else if (id < 0 && index.size < index.capacity) {
        model.set(key, index.insert(key));
      }
      if (index.size !== model.size) firstWrong = `step ${step}: size ${index.size}, model ${model.size}`;
    }
    expect(firstWrong).toBe('');
    for (const [key, id] of model) expect(index.lookup(key)).toBe(id);
  });

  it('tells x, 2^32 + x and 2^52 + x apart: both halves of a key are hashed, the whole key compared', () => {
    const index = new KeyIndex(4);
    const a = index.insert(7);
    const b = index.insert(2 ** 52 + 7);
    const c = index.insert(2 ** 32 + 7);
    expect([index.lookup(7), index.lookup(2 ** 52 + 7), index.lookup(2 ** 32 + 7), index.lookup(8)]).toEqual([a, b, c, -1]);
  });

  it('gives the least recently added or touched id as the oldest, and reuses the ids it frees', () => {
    const index = new KeyIndex(3);
    const [a, b, c] = [index.insert(10), index.insert(20), index.insert(30)];
    expect(index.oldest()).toBe(a);
    index.touch(a);
    expect(index.oldest()).toBe(b);
    index.remove(b);
    expect(index.oldest()).toBe(c);
    expect(index.insert(40)).toBe(b);
    expect(index.oldest()).toBe(c);
    index.remove(c);
    index.remove(a);
    index.remove(b);
    expect(index.oldest()).toBe(-1);
    expect(index.size).toBe(0);
  });

  it('grows its storage by doubling only up to the cap, and refuses an add when full', () => {
    const index = new KeyIndex(1000);
    expect(index.idLimit).toBe(256);
    for (let k = 0; k < 1000; k++) index.insert(k * 7919);
    expect(index.idLimit).toBe(1000);
    for (let k = 0; k < 1000; k++) expect(index.lookup(k * 7919)).toBeGreaterThanOrEqual(0);
    expect(() => index.insert(1)).toThrow(RangeError);
    expect(() => new KeyIndex(0)).toThrow(RangeError);
  });
});
