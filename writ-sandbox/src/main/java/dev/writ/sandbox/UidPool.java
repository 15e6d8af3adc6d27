package dev.writ.sandbox;

import java.util.BitSet;
import java.util.OptionalInt;

/**
 * Hands out the uids of a {@link UidRange}, each to one execution at a time. A uid whose processes
 * could not all be killed is retired, never handed out again. Thread-safe (synchronized).
 */
final class UidPool {
  private final UidRange range;
  private final BitSet busy;

  UidPool(UidRange range) {
    this.range = range;
    this.busy = new BitSet(range.count());
  }

  synchronized OptionalInt acquire() {
    int slot = busy.nextClearBit(0);
    if (slot >= range.count()) {
      return OptionalInt.empty();
    }
    busy.set(slot);
    return OptionalInt.of(range.first() + slot);
  }

  synchronized void release(int uid) {
    busy.clear(uid - range.first());
  }
}
