package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pipe moved to a new owner (transfer) while a send waits for its handle to become quiet and a
 * second send waits behind it: the new owner's write still comes after both handles, and each
 * send's callback runs once.
 */
class PipeTransferWhileSendWaitsTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void newOwnerWritesWaitBehindTheHandle() throws Exception {
    int baseline = PipeTestSupport.baselineFdCount();
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-move-send")) {
      PipeStream.Pair pipe = PipeStream.pair(r.loop);
      PipeStream.Pair busy = PipeStream.pair(r.loop);
      PipeStream.Pair quiet = PipeStream.pair(r.loop);
      List<String> seen = new CopyOnWriteArrayList<>();
      List<Handle> got = new CopyOnWriteArrayList<>();
      pipe.second().readStart(new PipeReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer data) {
          seen.add(StandardCharsets.US_ASCII.decode(data).toString());
        }

        @Override
        public void onHandle(PipeStream p, Handle handle) {
          seen.add("<handle>");
          got.add(handle);
        }
      });
      busy.first().write(ByteBuffer.allocateDirect(4 << 20), null);
      List<IOException> sendResults = new CopyOnWriteArrayList<>();
      pipe.first().send(busy.first(), sendResults::add);
      pipe.first().send(quiet.first(), sendResults::add); // waits behind the first
      PipeStream moved = pipe.first().transfer();
      moved.write(ByteBuffer.wrap("after".getBytes(StandardCharsets.US_ASCII)), null);
      Thread.sleep(100);
      assertEquals(List.of(), seen, "the write waits behind the handle");
      busy.second().readStart((s, d) -> { });
      PipeTestSupport.waitUntil(() -> seen.size() == 3, seen::toString);
      assertEquals(List.of("<handle>", "<handle>", "after"), seen);
      PipeTestSupport.waitUntil(() -> sendResults.size() == 2, "send callbacks");
      Thread.sleep(50);
      assertEquals(java.util.Arrays.asList(null, null), sendResults);
      got.forEach(Handle::close);
      quiet.second().close();
      busy.second().close();
      moved.close();
      pipe.second().close();
    }
    assertEquals(baseline, PipeTestSupport.awaitFdCount(baseline));
  }
}
