// Timers in packet time: a binary min-heap holding at most one entry per owner (lazy re-arm).

/**
 * Something that owns one timer: a detector's per-station state. The heap stores the owners
 * themselves (no entry object per arming) and keeps its bookkeeping in these fields, so arming is
 * plain stores. Only TimerQueue writes the `timer*` fields; an owner starts with
 * `timerSlot = -1, timerKey = Infinity, timerSeq = 0, timerDue = Infinity` (no entry, disarmed).
 */
export interface TimerOwner {
  /** Position in the heap, -1 when the owner has no entry. */
  timerSlot: number;
  /** Time the heap entry is ordered by. While armed, `timerKey <= timerDue` (lazy re-arm). */
  timerKey: number;
  /** Tie-break: entries with equal keys pop in the order they were pushed. */
  timerSeq: number;
  /** The real deadline, epoch seconds; Infinity when disarmed. */
  timerDue: number;
  /** Called once when the deadline is reached, with the packet time it fires at. */
  onTimer(t: number): void;
}

/**
 * A min-heap of owners keyed on (timerKey, timerSeq).
 *
 * Why lazy re-arm: a station re-arms its deadline on every ARP. Pushing a new entry each time
 * would grow the heap without bound under a flood of ARP from one MAC (100k/s), and deleting the
 * old one costs a sift per ARP. Instead a later deadline is only written to `timerDue`; when the
 * old, earlier entry reaches the top, `popDue` pushes it again at `timerDue`. An earlier deadline
 * moves the existing entry up in place. Either way an owner has at most one entry, so the heap is
 * never larger than the number of live owners.
 */
/** Initial heap slots; the key arrays double when full (a rare event). */
const INITIAL_SLOTS = 256;

export class TimerQueue {
  /**
   * The heap, as three arrays by slot: owners, and their keys and sequence numbers. The sifts
   * compare keys in the typed arrays instead of reading them from the owners, which lie scattered
   * in memory: a flood of unanswered requests (a timer each) spent most of its time in those
   * cache misses (the bench's echo flood: `popDue` was a third of the run).
   */
  private readonly owners: TimerOwner[] = [];
  private keys = new Float64Array(INITIAL_SLOTS);
  private seqs = new Float64Array(INITIAL_SLOTS);
  private seq = 0;

  /** Heap entries (live owners with a timer, armed or waiting to be dropped). */
  get size(): number {
    return this.owners.length;
  }

  /** Key of the earliest entry, Infinity when empty (a lower bound of the next deadline). */
  nextKey(): number {
    return this.owners.length > 0 ? this.keys[0]! : Infinity;
  }

  /** Set the owner's deadline (replacing any earlier one). Hot path: no allocation. */
  arm(o: TimerOwner, due: number): void {
    o.timerDue = due;
    if (o.timerSlot < 0) {
      this.push(o, due);
    } else if (due < o.timerKey) {
      o.timerKey = due;
      this.keys[o.timerSlot] = due;
      this.siftUp(o.timerSlot);
    }
    // else: the entry pops early and is pushed again for `due` then (lazy re-arm).
  }

  /** Cancel the deadline. The entry, if any, is dropped when it reaches the top. */
  disarm(o: TimerOwner): void {
    o.timerDue = Infinity;
  }

  /** Take the owner out of the heap now (its state is being forgotten, e.g. an evicted station). */
  remove(o: TimerOwner): void {
    const i = o.timerSlot;
    o.timerDue = Infinity;
    if (i < 0) return;
    o.timerSlot = -1;
    const last = this.owners.length - 1;
    const moved = this.owners.pop()!;
    if (i === last) return;
    this.place(i, moved, this.keys[last]!, this.seqs[last]!);
    this.siftDown(i);
    this.siftUp(moved.timerSlot);
  }

  /**
   * The next owner whose deadline is <= t, removed from the heap and disarmed, or null. Its
   * deadline is left in `timerKey`. Entries that pop before their real deadline are pushed again
   * for it; disarmed ones are dropped.
   */
  popDue(t: number): TimerOwner | null {
    while (this.owners.length > 0 && this.keys[0]! <= t) {
      const o = this.popTop();
      if (o.timerDue === o.timerKey) {
        o.timerDue = Infinity;
        return o;
      }
      if (o.timerDue !== Infinity) this.push(o, o.timerDue);
    }
    return null;
  }

  private push(o: TimerOwner, key: number): void {
    const i = this.owners.length;
    if (i === this.keys.length) this.grow();
    o.timerKey = key;
    o.timerSeq = this.seq++;
    this.owners.push(o);
    this.place(i, o, key, o.timerSeq);
    this.siftUp(i);
  }

  private popTop(): TimerOwner {
    const top = this.owners[0]!;
    const last = this.owners.length - 1;
    const moved = this.owners.pop()!;
    top.timerSlot = -1;
    if (last > 0) {
      this.place(0, moved, this.keys[last]!, this.seqs[last]!);
      this.siftDown(0);
    }
    return top;
  }

  /** Puts an entry in slot `i`. */
  private place(i: number, o: TimerOwner, key: number, seq: number): void {
    this.owners[i] = o;
    this.keys[i] = key;
    this.seqs[i] = seq;
    o.timerSlot = i;
  }

  /**
   * Moves the entry at slot `i` up to its place. The entries it passes move down one level each,
   * and it is written once, where it stops: one owner store per level, none for the entry itself.
   */
  private siftUp(i: number): void {
    const o = this.owners[i]!;
    const key = this.keys[i]!;
    const seq = this.seqs[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = this.keys[p]!;
      if (!(key < pk || (key === pk && seq < this.seqs[p]!))) break;
      this.place(i, this.owners[p]!, pk, this.seqs[p]!);
      i = p;
    }
    this.place(i, o, key, seq);
  }

  /** Moves the entry at slot `i` down to its place, the same way. */
  private siftDown(i: number): void {
    const n = this.owners.length;
    const o = this.owners[i]!;
    const key = this.keys[i]!;
    const seq = this.seqs[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n) {
        const lk = this.keys[l]!;
        const rk = this.keys[r]!;
        if (rk < lk || (rk === lk && this.seqs[r]! < this.seqs[l]!)) c = r;
      }
      const ck = this.keys[c]!;
      if (!(ck < key || (ck === key && this.seqs[c]! < seq))) break;
      this.place(i, this.owners[c]!, ck, this.seqs[c]!);
      i = c;
    }
    this.place(i, o, key, seq);
  }

  /** Rare: double the key arrays. */
  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    const seqs = new Float64Array(this.seqs.length * 2);
    keys.set(this.keys);
    seqs.set(this.seqs);
    this.keys = keys;
    this.seqs = seqs;
  }
}
