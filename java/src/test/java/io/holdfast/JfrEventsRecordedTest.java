package io.holdfast;

import static io.holdfast.IntrospectionTestSupport.block;
import static io.holdfast.IntrospectionTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JFR recording sees handles open and close, a connect, an accept, a stale-handle rejection
 * with the caller's stack trace, and a slow callback.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JfrEventsRecordedTest {
  private static final String[] EVENTS = {
    "io.holdfast.HandleOpened", "io.holdfast.HandleClosed", "io.holdfast.StaleHandleRejected",
    "io.holdfast.Connect", "io.holdfast.Accept", "io.holdfast.SlowCallback"
  };

  @TempDir
  Path dir;

  @Test
  void recordingSeesLifecycleConnectAcceptStaleRejectionAndSlowCallback() throws Exception {
    Path file = dir.resolve("holdfast.jfr");
    long listenerToken;
    long clientToken;
    long serverToken;
    String loopName = "jfr-test-" + System.nanoTime();
    try (Recording recording = new Recording()) {
      for (String e : EVENTS) recording.enable(e).withStackTrace();
      recording.start();
      try (EventLoop loop = EventLoop.create(loopName)) {
        loop.start("hf-jfr-test");
        loop.setSlowCallbackThreshold(Duration.ofMillis(50));
        CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
        TcpListener listener = TcpTestSupport.listen(loop, accepted::complete);
        TcpStream client = TcpTestSupport.connect(loop, listener.localAddress());
        TcpStream server = accepted.get(60, TimeUnit.SECONDS);
        listenerToken = listener.token();
        clientToken = client.token();
        serverToken = server.token();

        client.close();
        rejectStaleRead(client);
        tryStaleRead(client);

        CompletableFuture<Void> slow = new CompletableFuture<>();
        loop.execute(() -> {
          block(200);
          slow.complete(null);
        });
        slow.get(60, TimeUnit.SECONDS);
        waitUntil(() -> loop.metrics().slowCallbacks() >= 1, () -> "slow task counted");
        server.close();
        listener.close();
        waitUntil(() -> loop.metrics().handleCount() == 0, () -> "closes delivered");
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
        .filter(e -> e.getEventType().getName().startsWith("io.holdfast."))
        .collect(Collectors.toList());

    for (String name : EVENTS) {
      assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals(name)),
          name + " recorded; got " + names(events));
    }
    RecordedEvent opened = one(events, "io.holdfast.HandleOpened",
        e -> Handles.tokenString(listenerToken).equals(e.getString("token"))
            && loopName.equals(e.getString("loop")));
    assertEquals("TcpListener", opened.getString("handleType"));
    assertEquals("Holdfast", opened.getEventType().getCategoryNames().get(0));

    RecordedEvent closed = one(events, "io.holdfast.HandleClosed",
        e -> Handles.tokenString(clientToken).equals(e.getString("token"))
            && loopName.equals(e.getString("loop")));
    assertEquals("TcpStream", closed.getString("handleType"));
    assertEquals("closed", closed.getString("reason"));

    RecordedEvent connect = one(events, "io.holdfast.Connect",
        e -> Handles.tokenString(clientToken).equals(e.getString("token")));
    assertNull(connect.getString("error"));
    assertNotNull(connect.getString("remoteAddress"));
    assertTrue(!connect.getDuration().isNegative());

    RecordedEvent accept = one(events, "io.holdfast.Accept",
        e -> Handles.tokenString(listenerToken).equals(e.getString("listenerToken"))
            && Handles.tokenString(serverToken).equals(e.getString("streamToken")));
    assertEquals("TcpListener", accept.getString("listenerType"));
    assertNull(accept.getString("error"));

    for (String caller : new String[] {"rejectStaleRead", "tryStaleRead"}) {
      RecordedEvent stale = one(events, "io.holdfast.StaleHandleRejected",
          e -> Handles.tokenString(clientToken).equals(e.getString("token"))
              && e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                  .map(RecordedFrame::getMethod).anyMatch(m -> m.getName().equals(caller)));
      assertEquals("CLOSED", stale.getString("reason"), caller);
      assertEquals("TcpStream", stale.getString("handleType"), caller);
    }

    RecordedEvent slowEvent = one(events, "io.holdfast.SlowCallback",
        e -> loopName.equals(e.getString("loop")) && "task".equals(e.getString("kind")));
    assertTrue(slowEvent.getDuration("callbackDuration").compareTo(Duration.ofMillis(200)) >= 0,
        slowEvent.toString());
    assertEquals(Duration.ofMillis(50), slowEvent.getDuration("threshold"));
  }

  private static void rejectStaleRead(TcpStream closed) {
    assertThrows(HandleClosedException.class, () -> closed.readStart((s, d) -> {}));
  }

  private static void tryStaleRead(TcpStream closed) {
    assertTrue(!closed.tryReadStart((s, d) -> {}), "tryReadStart on a closed stream");
  }

  private static RecordedEvent one(List<RecordedEvent> events, String name,
      Predicate<RecordedEvent> match) throws IOException {
    List<RecordedEvent> found = events.stream()
        .filter(e -> e.getEventType().getName().equals(name)).filter(match)
        .collect(Collectors.toList());
    assertTrue(!found.isEmpty(), "no matching " + name + " in " + names(events));
    return found.get(0);
  }

  private static String names(List<RecordedEvent> events) {
    return events.stream().map(e -> e.getEventType().getName())
        .collect(Collectors.toList()).toString();
  }
}
