// A bounded hash index from exact integer keys to dense entry ids, oldest-first (Knuth 6.4, open addressing with backward-shift deletion).

/*
 * Why not a Map: the blackout detector looks up a table for most ICMP, TCP-handshake and UDP
 * frames, and its keys (IPv4 addresses above 2^30, IPv6 hashes, composite request keys) are not
 * small integers, so a Map would box each key as a heap number on every lookup. Here keys stay
 * doubles in a Float64Array, the slots are an Int32Array, and nothing is allocated per lookup.
 * For the same reason a hot caller does not pass the key as an argument (a double crossing a call
 * that is not inlined is boxed): it writes the key to `key[0]`, then calls `find` or `add`.
 * `lookup` and `insert` take the key as an argument, for rare paths and tests.
 *
 * Entries are named by dense ids in [0, capacity): callers keep their own per-entry data in
 * arrays indexed by id. A doubly linked list over the ids keeps them in order of last `touch`, so
 * the least recently used entry is `oldest()`: the one a full table evicts.
 *
 * Storage starts small and doubles up to `capacity` (the only allocation), so a cap of a million
 * costs nothing until the traffic needs it.
 */

const EMPTY = 0;
const NONE = -1;
/** Slots per entry: a load factor of at most 1/2 keeps linear probing short. */
const SLOTS_PER_ENTRY = 2;
const INITIAL_ENTRIES = 256;

export class KeyIndex {
  /** The key register: the key that `find` and `add` take. */
  readonly key = new Float64Array(1);
  /** Entries in use. */
  size = 0;
  private slots: Int32Array;
  private mask: number;
  private keys: Float64Array;
  private slotOf: Int32Array;
  private prev: Int32Array;
  private next: Int32Array;
  /** Freed ids, reused before new ones. */
  private free: Int32Array;
  private freeCount = 0;
  /** Ids handed out so far: ids are < highWater. */
  private highWater = 0;
  /** Oldest and newest ids of the use list. */
  private head = NONE;
  private tail = NONE;

  /** @param capacity the most entries the index holds; `add` on a full index throws. */
  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be a whole number >= 1, got ${capacity}`);
    const n = Math.min(capacity, INITIAL_ENTRIES);
    this.keys = new Float64Array(n);
    this.slotOf = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.next = new Int32Array(n);
    this.free = new Int32Array(n);
    this.slots = new Int32Array(slotCount(n));
    this.mask = this.slots.length - 1;
  }

  /** Ids are below this: size per-entry arrays to it. */
  get idLimit(): number {
    return this.keys.length;
  }

  /** Hot path: the id holding the key in `key[0]`, or -1. */
  find(): number {
    const key = this.key[0]!;
    const slots = this.slots;
    const mask = this.mask;
    for (let s = homeSlot(this.key, 0, mask); ; s = (s + 1) & mask) {
      const v = slots[s]!;
      if (v === EMPTY) return NONE;
      if (this.keys[v - 1] === key) return v - 1;
    }
  }

  /** Add the key in `key[0]` (which must be absent) as the newest entry; returns its id. The caller evicts first when full. */
  add(): number {
    const key = this.key[0]!;
    if (this.size >= this.capacity) throw new RangeError('KeyIndex is full: evict oldest() first');
    let id: number;
    if (this.freeCount > 0) {
      id = this.free[--this.freeCount]!;
    } else {
      if (this.highWater === this.keys.length) this.grow();
      id = this.highWater++;
    }
    this.keys[id] = key;
    this.place(id);
    this.size++;
    this.linkNewest(id);
    return id;
  }

  /** Hot path: mark `id` as just used (it becomes the newest). */
  touch(id: number): void {
    if (id === this.tail) return;
    this.unlink(id);
    this.linkNewest(id);
  }

  /** Drop the entry `id`; its id may be handed out again. */
  remove(id: number): void {
    this.unlink(id);
    this.unplace(id);
    this.free[this.freeCount++] = id;
    this.size--;
  }

  /** The least recently used id, -1 when empty. */
  oldest(): number {
    return this.head;
  }

  /** The id used next after `id`, -1 after the newest: with `oldest()`, a walk oldest first (rare: state files). */
  newer(id: number): number {
    return this.next[id]!;
  }

  keyOf(id: number): number {
    return this.keys[id]!;
  }

  /** `find` for a key given as an argument. */
  lookup(key: number): number {
    this.key[0] = key;
    return this.find();
  }

  /** `add` for a key given as an argument. */
  insert(key: number): number {
    this.key[0] = key;
    return this.add();
  }

  /** Put `id` (its key set) into the first free slot of its probe sequence. */
  private place(id: number): void {
    const mask = this.mask;
    let s = homeSlot(this.keys, id, mask);
    while (this.slots[s] !== EMPTY) s = (s + 1) & mask;
    this.slots[s] = id + 1;
    this.slotOf[id] = s;
  }

  /**
   * Empty `id`'s slot, then shift later members of the probe run back into the hole when their
   * home slot allows it (Knuth's Algorithm R), so lookups never need tombstones.
   */
  private unplace(id: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = this.slotOf[id]!;
    slots[hole] = EMPTY;
    for (let s = (hole + 1) & mask; slots[s] !== EMPTY; s = (s + 1) & mask) {
      const moved = slots[s]! - 1;
      const home = homeSlot(this.keys, moved, mask);
      // The entry may move into the hole only if the hole lies on its probe path [home, s].
      const onPath = hole <= s ? home <= hole || home > s : home <= hole && home > s;
      if (!onPath) continue;
      slots[hole] = moved + 1;
      this.slotOf[moved] = hole;
      slots[s] = EMPTY;
      hole = s;
    }
  }

  private linkNewest(id: number): void {
    this.prev[id] = this.tail;
    this.next[id] = NONE;
    if (this.tail === NONE) this.head = id;
    else this.next[this.tail] = id;
    this.tail = id;
  }

  private unlink(id: number): void {
    const p = this.prev[id]!;
    const n = this.next[id]!;
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
  }

  /** Rare: double the id space (up to capacity) and rehash every entry in use. */
  private grow(): void {
    const n = Math.min(this.capacity, this.keys.length * 2);
    this.keys = copy(new Float64Array(n), this.keys);
    this.slotOf = copy(new Int32Array(n), this.slotOf);
    this.prev = copy(new Int32Array(n), this.prev);
    this.next = copy(new Int32Array(n), this.next);
    this.free = copy(new Int32Array(n), this.free);
    this.slots = new Int32Array(slotCount(n));
    this.mask = this.slots.length - 1;
    for (let id = this.head; id !== NONE; id = this.next[id]!) this.place(id);
  }
}

function copy<T extends Int32Array | Float64Array>(to: T, from: T): T {
  to.set(from);
  return to;
}

/** The power of two at least SLOTS_PER_ENTRY times `entries`. */
function slotCount(entries: number): number {
  let n = 1;
  while (n < entries * SLOTS_PER_ENTRY) n *= 2;
  return n;
}

/**
 * Hot path: the home slot of the key at `keys[i]`: both 32-bit halves mixed (MurmurHash3's
 * fmix32), so that IPv4 keys and 53-bit hashes spread alike. The key is read from the array and
 * the slot returned is small, so no double crosses the call.
 */
function homeSlot(keys: Float64Array, i: number, mask: number): number {
  const key = keys[i]!;
  // `>>> 0` is ToUint32: the low 32 bits of an exact integer below 2^53.
  let h = (key >>> 0) ^ Math.imul((key / 0x1_0000_0000) >>> 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}
