package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.holdfast.internal.PipeNative;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PipeStream.open refuses, with EEXIST and without touching it, an fd a live handle of any loop
 * owns: a pipe end, a TCP listener, a UDP socket, and a TCP stream after it moved to another loop;
 * once the owner closes it, the fd is no longer registered as owned.
 */
class PipeOpenRejectsOwnedFdTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void ownedFdsAreRefused() throws Exception {
    try (PipeTestSupport.Running a = new PipeTestSupport.Running("owner");
        PipeTestSupport.Running b = new PipeTestSupport.Running("adopter")) {
      Set<Integer> before = sockets();
      PipeStream.Pair pair = PipeStream.pair(a.loop);
      Set<Integer> pairFds = newSockets(before, 2);
      for (int fd : pairFds) {
        NativeIOException e = assertThrows(NativeIOException.class, () -> PipeStream.open(b.loop, fd));
        assertEquals("EEXIST", e.code());
        assertEquals("open", e.syscall());
        assertThrows(NativeIOException.class, () -> PipeStream.open(a.loop, fd));
      }
      // Untouched: the pair still works.
      CompletableFuture<String> got = new CompletableFuture<>();
      pair.second().readStart((s, d) -> got.complete(new String(PipeTestSupport.bytes(d))));
      pair.first().write(ByteBuffer.wrap("still mine".getBytes()), null);
      assertEquals("still mine", got.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS));

      before = sockets();
      TcpListener listener = TcpListener.bind(a.loop, new InetSocketAddress("127.0.0.1", 0));
      int listenerFd = newSockets(before, 1).iterator().next();
      assertEquals("EEXIST", assertThrows(NativeIOException.class,
          () -> PipeStream.open(b.loop, listenerFd)).code());

      // A UDP socket's fd, made at bind, is owned too.
      before = sockets();
      UdpSocket udp = UdpSocket.open(a.loop);
      udp.bind(new InetSocketAddress("127.0.0.1", 0));
      int udpFd = newSockets(before, 1).iterator().next();
      assertEquals("EEXIST", assertThrows(NativeIOException.class,
          () -> PipeStream.open(b.loop, udpFd)).code());
      udp.close();

      // A TCP stream that moved to another loop keeps its fd number and stays owned.
      CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
      listener.listen(accepted::complete);
      before = sockets();
      CompletableFuture<TcpStream> connected = new CompletableFuture<>();
      TcpStream.connect(a.loop, listener.localAddress(), (s, e) -> connected.complete(s));
      TcpStream client = connected.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);
      accepted.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS).close();
      Set<Integer> streamFds = sockets();
      streamFds.removeAll(before);
      CompletableFuture<TcpStream> arrived = new CompletableFuture<>();
      client.transferTo(b.loop, arrived::complete);
      TcpStream onB = arrived.get(PipeTestSupport.WAIT_SECONDS, TimeUnit.SECONDS);
      // Of the client and the (closed) accepted side, exactly the moved client stays owned.
      PipeTestSupport.waitUntil(() -> streamFds.stream().mapToInt(PipeNative::fdOwned).sum() == 1,
          () -> "owned among " + streamFds);
      for (int fd : streamFds) {
        if (PipeNative.fdOwned(fd) == 1) {
          assertEquals("EEXIST", assertThrows(NativeIOException.class,
              () -> PipeStream.open(a.loop, fd)).code());
        }
      }

      onB.close();
      listener.close();
      pair.first().close();
      pair.second().close();
      PipeTestSupport.waitUntil(() -> pairFds.stream().allMatch(fd -> PipeNative.fdOwned(fd) == 0)
          && PipeNative.fdOwned(listenerFd) == 0 && PipeNative.fdOwned(udpFd) == 0,
          "closed fds leave the registry");
    }
  }

  /** The fd numbers of this process's sockets. */
  private static Set<Integer> sockets() throws java.io.IOException {
    Set<Integer> out = new HashSet<>();
    String[] names = new File("/proc/self/fd").list();
    for (String n : names) {
      try {
        if (Files.readSymbolicLink(Path.of("/proc/self/fd", n)).toString().startsWith("socket:")) {
          out.add(Integer.parseInt(n));
        }
      } catch (java.io.IOException e) {
        // closed meanwhile (the directory listing's own fd)
      }
    }
    return out;
  }

  private static Set<Integer> newSockets(Set<Integer> before, int expected)
      throws java.io.IOException {
    Set<Integer> now = sockets();
    now.removeAll(before);
    assertEquals(expected, now.size(), () -> "new sockets: " + now);
    return now;
  }
}
