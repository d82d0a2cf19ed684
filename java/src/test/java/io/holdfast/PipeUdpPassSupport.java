package io.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Helpers of the tests that pass UdpSockets over pipes: a collecting pipe reader, a plain peer. */
final class PipeUdpPassSupport {
  private PipeUdpPassSupport() {}

  /** Deadline of every wait for something that must happen (a slow, shared machine). */
  static final long WAIT_SECONDS = 30;

  /** A PipeReadHandler that queues the handles arriving and fails on data. */
  static class HandleCollector implements PipeReadHandler {
    final BlockingQueue<Handle> handles = new LinkedBlockingQueue<>();
    final BlockingQueue<String> threads = new LinkedBlockingQueue<>();

    @Override
    public void onData(Stream s, ByteBuffer data) {
      throw new AssertionError("unexpected data on the pipe: " + data.remaining() + " bytes");
    }

    @Override
    public void onHandle(PipeStream pipe, Handle handle) {
      threads.add(Thread.currentThread().getName());
      handles.add(handle);
    }

    /** The next handle, which must be a UdpSocket. */
    UdpSocket nextUdp() throws InterruptedException {
      Handle h = handles.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (h == null) fail("no handle arrived within " + WAIT_SECONDS + " s");
      if (!(h instanceof UdpSocket)) fail("expected a UdpSocket, got " + h);
      return (UdpSocket) h;
    }
  }

  /** A bound UdpSocket on 127.0.0.1 with an ephemeral port. */
  static UdpSocket bound(EventLoop loop) throws IOException {
    UdpSocket s = UdpSocket.open(loop);
    s.bind(new InetSocketAddress("127.0.0.1", 0));
    return s;
  }

  /** A plain JDK datagram socket on 127.0.0.1, timing out a receive after the wait deadline. */
  static DatagramSocket peer() throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    return s;
  }

  static void send(DatagramSocket from, String text, InetSocketAddress to) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    from.send(new DatagramPacket(b, b.length, to));
  }

  /** Receives one datagram and checks its text and its sender's port. */
  static void expect(DatagramSocket at, String text, int fromPort) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    try {
      at.receive(p);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no datagram \"" + text + "\" within " + WAIT_SECONDS + " s", e);
    }
    assertEquals(text, new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
    assertEquals(fromPort, p.getPort(), "sender port of \"" + text + "\"");
  }

  /** The next datagram of a collector, waiting up to the deadline. */
  static UdpTestSupport.Datagram next(UdpTestSupport.Collector c) throws InterruptedException {
    UdpTestSupport.Datagram d = c.datagrams.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (d == null) fail("no datagram within " + WAIT_SECONDS + " s");
    return d;
  }

  static long udpCount(EventLoop loop) {
    return loop.handles().stream().filter(h -> h.type().equals("UdpSocket")).count();
  }

  /**
   * The fd flags (octal {@code flags:} of /proc/self/fdinfo) of this process's UDP socket bound
   * to 127.0.0.1:port, found through its inode in /proc/net/udp; fails unless exactly one fd has
   * that socket.
   */
  static int fdFlagsOfUdpPort(int port) throws IOException {
    String local = String.format("0100007F:%04X", port);
    String inode = null;
    List<String> lines = Files.readAllLines(Path.of("/proc/net/udp"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 9 && f[1].equals(local)) inode = f[9];
    }
    if (inode == null) fail("no UDP socket on 127.0.0.1:" + port + " in /proc/net/udp");
    String target = "socket:[" + inode + "]";
    Integer found = null;
    int matches = 0;
    String[] fds = new java.io.File("/proc/self/fd").list();
    for (String fd : fds == null ? new String[0] : fds) {
      try {
        if (Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString().equals(target)) {
          found = Integer.parseInt(fd);
          matches++;
        }
      } catch (IOException e) {
        // closed meanwhile (the listing's own fd, say)
      }
    }
    assertEquals(1, matches, "fds holding the socket on port " + port);
    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", found.toString()))) {
      if (line.startsWith("flags:")) return Integer.parseInt(line.substring(6).trim(), 8);
    }
    throw new AssertionError("no flags in /proc/self/fdinfo/" + found);
  }
}
