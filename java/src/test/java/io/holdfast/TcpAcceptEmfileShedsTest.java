package io.holdfast;

import static io.holdfast.TcpTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.TcpTestSupport.RunningLoop;
import io.holdfast.internal.Errors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When the process runs out of fds, the listener spends its reserved fd to accept and close each
 * pending connection (so it does not spin), counts exactly those connections in shedCount,
 * reports each once to onAcceptError, and keeps serving once fds are available again.
 *
 * <p>The process is driven to EMFILE by opening /dev/null until the kernel refuses; everything
 * the exhausted phase needs (classes, client sockets) is created beforehand, and the fds are
 * released in a finally block.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpAcceptEmfileShedsTest {
  private static final int MAX_FILLERS = 200_000;
  private static final int VICTIMS = 3;

  private RunningLoop rl;
  private final List<FileChannel> fillers = new ArrayList<>();

  @AfterEach
  void tearDown() {
    releaseFds();
    if (rl != null) rl.close();
  }

  private void releaseFds() {
    fillers.forEach(TcpTestSupport::closeQuietly);
    fillers.clear();
  }

  private void exhaustFds() {
    Path devNull = Paths.get("/dev/null");
    try {
      while (fillers.size() < MAX_FILLERS) fillers.add(FileChannel.open(devNull));
    } catch (IOException e) {
      return; // EMFILE (or ENFILE): exhausted
    }
    releaseFds();
    assumeTrue(false, "could not exhaust fds with " + MAX_FILLERS + " files");
  }

  @Test
  void emfileShedsPendingConnectionsReportsEachOnceAndKeepsServing() throws Exception {
    rl = new RunningLoop("tcp-emfile");
    List<IOException> acceptErrors = new CopyOnWriteArrayList<>();
    List<TcpStream> accepted = new CopyOnWriteArrayList<>();
    CountDownLatch shed = new CountDownLatch(VICTIMS);
    CountDownLatch served = new CountDownLatch(1);
    TcpListener l = TcpTestSupport.listen(rl.loop, new ConnectionHandler() {
      @Override
      public void onConnection(TcpStream stream) {
        accepted.add(stream);
        served.countDown();
      }

      @Override
      public void onAcceptError(TcpListener listener, IOException error) {
        acceptErrors.add(error);
        shed.countDown();
      }
    });
    InetSocketAddress address = l.localAddress();
    // Warm up what the exhausted phase uses: error mapping and the classes it loads.
    assertEquals("EMFILE", Errors.facts(Errors.exception(Errors.EMFILE, "accept", address)).code());
    rl.run(() -> { });
    List<SocketChannel> victims = new ArrayList<>();
    for (int i = 0; i < VICTIMS; i++) victims.add(SocketChannel.open());
    SocketChannel later = SocketChannel.open();
    try {
      exhaustFds();
      try {
        // Each connect completes in the kernel; accepting it fails with EMFILE.
        for (SocketChannel v : victims) v.connect(address);
        await(shed, "onAcceptError under EMFILE");
        Thread.sleep(200); // a spurious extra report would arrive now
      } finally {
        releaseFds();
      }
      assertEquals(VICTIMS, acceptErrors.size(), "one report per shed connection: " + acceptErrors);
      for (IOException e : acceptErrors) TcpTestSupport.assertFacts(e, "EMFILE", "accept");
      assertEquals(VICTIMS, l.shedCount(), "exactly the pending connections were shed");
      assertEquals(0, l.connectionCount());
      assertTrue(accepted.isEmpty());
      for (SocketChannel v : victims) {
        v.socket().setSoTimeout((int) TcpTestSupport.WAIT_MILLIS);
        int r;
        try {
          r = v.socket().getInputStream().read();
        } catch (IOException reset) {
          r = -1;
        }
        assertEquals(-1, r, "the shed connection was closed");
      }

      // Fds are back: the listener still serves.
      assertTrue(l.isListening());
      later.connect(address);
      await(served, "accept after fds were released");
      assertEquals(1, l.connectionCount());
      assertEquals(VICTIMS, l.shedCount());
      CountDownLatch written = new CountDownLatch(1);
      accepted.get(0).write(ByteBuffer.wrap(new byte[] {3}), e -> written.countDown());
      await(written, "write on the accepted stream");
      ByteBuffer one = ByteBuffer.allocate(1);
      assertEquals(1, later.read(one));
      assertEquals(3, one.get(0));
    } finally {
      victims.forEach(TcpTestSupport::closeQuietly);
      TcpTestSupport.closeQuietly(later);
    }
    l.close();
  }
}
