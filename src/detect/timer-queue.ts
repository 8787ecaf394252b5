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
export class TimerQueue {
  private readonly heap: TimerOwner[] = [];
  private seq = 0;

  /** Heap entries (live owners with a timer, armed or waiting to be dropped). */
  get size(): number {
    return this.heap.length;
  }

  /** Key of the earliest entry, Infinity when empty (a lower bound of the next deadline). */
  nextKey(): number {
    return this.heap.length > 0 ? this.heap[0]!.timerKey : Infinity;
  }

  /** Set the owner's deadline (replacing any earlier one). Hot path: no allocation. */
  arm(o: TimerOwner, due: number): void {
    o.timerDue = due;
    if (o.timerSlot < 0) {
      this.push(o, due);
    } else if (due < o.timerKey) {
      o.timerKey = due;
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
    const last = this.heap.pop()!;
    o.timerSlot = -1;
    if (last === o) return;
    this.heap[i] = last;
    last.timerSlot = i;
    this.siftDown(i);
    this.siftUp(last.timerSlot);
  }

  /**
   * The next owner whose deadline is <= t, removed from the heap and disarmed, or null. Its
   * deadline is left in `timerKey`. Entries that pop before their real deadline are pushed again
   * for it; disarmed ones are dropped.
   */
  popDue(t: number): TimerOwner | null {
    while (this.heap.length > 0 && this.heap[0]!.timerKey <= t) {
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
    o.timerKey = key;
    o.timerSeq = this.seq++;
    o.timerSlot = this.heap.length;
    this.heap.push(o);
    this.siftUp(o.timerSlot);
  }

  private popTop(): TimerOwner {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    top.timerSlot = -1;
    if (last !== top) {
      this.heap[0] = last;
      last.timerSlot = 0;
      this.siftDown(0);
    }
    return top;
  }

  private static before(a: TimerOwner, b: TimerOwner): boolean {
    return a.timerKey < b.timerKey || (a.timerKey === b.timerKey && a.timerSeq < b.timerSeq);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const o = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!TimerQueue.before(o, parent)) break;
      h[i] = parent;
      parent.timerSlot = i;
      i = p;
    }
    h[i] = o;
    o.timerSlot = i;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    const o = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && TimerQueue.before(h[r]!, h[l]!) ? r : l;
      const child = h[c]!;
      if (!TimerQueue.before(child, o)) break;
      h[i] = child;
      child.timerSlot = i;
      i = c;
    }
    h[i] = o;
    o.timerSlot = i;
  }
}
