package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad arguments to the pipe API fail with IllegalArgumentException or NullPointerException naming
 * what was wrong, before anything native happens (no handle is created, nothing moves).
 */
class PipeBadArgumentsTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void badArgumentsAreRejectedUpFront() throws Exception {
    String tooLong = "/tmp/" + "x".repeat(103);
    assertMessage(IllegalArgumentException.class, "108 bytes", () -> PipeAddress.of(tooLong));
    assertMessage(IllegalArgumentException.class, "empty", () -> PipeAddress.of(""));
    assertMessage(IllegalArgumentException.class, "empty", () -> PipeAddress.of("@"));
    assertMessage(IllegalArgumentException.class, "NUL", () -> PipeAddress.of("/tmp/a\0b"));
    assertMessage(NullPointerException.class, "path", () -> PipeAddress.path(null));
    assertMessage(NullPointerException.class, "name", () -> PipeAddress.abstractName(null));
    assertEquals(PipeAddress.path(Path.of("/tmp/x.sock")), PipeAddress.of("/tmp/x.sock"));
    assertEquals("@svc", PipeAddress.abstractName("svc").toString());
    assertTrue(PipeAddress.of("@" + "y".repeat(107)).isAbstract()); // the longest abstract name

    assertMessage(IllegalArgumentException.class, "backlog",
        () -> PipeListener.Options.defaults().backlog(0));
    assertMessage(IllegalArgumentException.class, "high-water",
        () -> PipeStream.Options.defaults().writeBufferWaterMarks(10, 10));
    try (PipeTestSupport.Running r = new PipeTestSupport.Running("pipe-bad-args")) {
      int handles = r.loop.handles().size();
      assertMessage(IllegalArgumentException.class, "fd < 0", () -> PipeStream.open(r.loop, -1));
      assertMessage(NullPointerException.class, "loop", () -> PipeStream.open(null, 0));
      assertMessage(NullPointerException.class, "handler",
          () -> PipeStream.connect(r.loop, "/tmp/x.sock", null));
      assertMessage(NullPointerException.class, "address",
          () -> PipeStream.connect(r.loop, (String) null, (s, e) -> { }));
      assertMessage(NullPointerException.class, "options", () -> PipeListener.bind(r.loop,
          PipeAddress.of("@x"), null));
      assertMessage(IllegalArgumentException.class, "abstract name",
          () -> PipeListener.bind(r.loop, PipeAddress.of("@x"),
              PipeListener.Options.defaults().writableByAll(true)));
      PipeStream.Pair pair = PipeStream.pair(r.loop);
      assertMessage(NullPointerException.class, "handle", () -> pair.first().send(null, null));
      assertMessage(IllegalArgumentException.class, "itself",
          () -> pair.first().send(pair.first(), null));
      Timer timer = Timer.create(r.loop);
      assertMessage(IllegalArgumentException.class, "Timer",
          () -> pair.first().send(timer, null));
      assertTrue(timer.isOpen() && pair.first().isOpen(), "nothing moved");
      assertEquals(handles + 3, r.loop.handles().size());
      timer.close();
      pair.first().close();
      pair.second().close();
    }
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertMessage(Class<? extends Exception> type, String words, Call call) {
    Exception e = assertThrows(type, call::run);
    assertTrue(String.valueOf(e.getMessage()).contains(words),
        () -> "message lacks '" + words + "': " + e.getMessage());
  }
}
