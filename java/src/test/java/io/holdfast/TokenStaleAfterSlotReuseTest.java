package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.internal.Errors;
import io.holdfast.internal.HandleNative;
import io.holdfast.internal.TimerNative;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slots are reused, tokens are not: a closed handle's token never names a later handle, and the
 * stale object keeps rejecting operations even while its slot belongs to a live handle.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TokenStaleAfterSlotReuseTest {
  private static final int ROUNDS = 1_000_000;

  @Test
  void oldTokensNeverNameALiveHandle() throws Exception {
    try (EventLoop loop = EventLoop.create()) {
      AtomicInteger liveFired = new AtomicInteger();
      Timer resident = Timer.create(loop); // lives through the whole test
      Set<Long> seen = new HashSet<>();
      Set<Integer> slots = new HashSet<>();
      seen.add(resident.token());
      List<Timer> kept = new ArrayList<>();
      int reused = 0;
      long previous = 0;
      for (int i = 0; i < ROUNDS; i++) {
        Timer t = Timer.create(loop);
        long token = t.token();
        assertNotEquals(0L, token, "0 is never a valid token");
        assertTrue(seen.add(token), "round " + i + ": token " + Handles.tokenString(token)
            + " was handed out before");
        int slot = (int) token;
        if (!slots.add(slot)) reused++;
        if (previous != 0) {
          assertNotEquals(previous, token);
        }
        if (i % 1000 == 0) kept.add(t);
        t.close();
        previous = token;
        // Let the close finish so the slot can be recycled for the next round.
        loop.runOnce();
      }
      assertTrue(reused > ROUNDS / 2, "slots were not reused (" + slots.size() + " distinct)");
      assertTrue(slots.size() < 100, "slot table grew to " + slots.size() + " slots");

      // A live handle now sits in a slot that an old token also names.
      Timer live = Timer.create(loop);
      int liveSlot = (int) live.token();
      Timer sameSlotOld = null;
      for (Timer old : kept) {
        assertNotEquals(live.token(), old.token());
        if ((int) old.token() == liveSlot) sameSlotOld = old;
      }
      assertTrue(sameSlotOld != null, "no kept old timer shares the live timer's slot");
      live.start(20, liveFired::incrementAndGet);

      for (Timer old : kept) {
        assertFalse(old.isOpen());
        HandleClosedException e = assertThrows(HandleClosedException.class, old::stop);
        assertEquals(old.token(), e.token());
        assertThrows(HandleClosedException.class, () -> old.start(1, () -> {}));
        old.close(); // a repeated close of a stale object is a no-op
      }
      // The native table rejects an old token naming the live handle's slot.
      long oldToken = sameSlotOld.token();
      assertEquals(Errors.STALE, TimerNative.stop(loop.ptr(), oldToken));
      assertEquals(Errors.STALE, TimerNative.start(loop.ptr(), oldToken, 1, 0));
      assertEquals(Errors.STALE, HandleNative.type(loop.ptr(), oldToken));
      assertEquals(Errors.STALE, HandleNative.close(loop.ptr(), oldToken, false));

      // ... and the live handle was not disturbed by any of it.
      assertTrue(live.isOpen());
      assertTrue(live.isScheduled());
      loop.run();
      assertEquals(1, liveFired.get(), "the live timer in the reused slot");
      List<HandleInfo> handles = loop.handles();
      Set<Long> liveTokens = new HashSet<>();
      for (HandleInfo info : handles) liveTokens.add(info.token());
      assertEquals(Set.of(resident.token(), live.token()), liveTokens, "live handles: " + handles);
    }
  }
}
