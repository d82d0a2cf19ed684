package io.holdfast;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link PipeAdoptChildStdioTest} (not a test): adopts its own stdin and
 * stdout, both os pipes, as PipeStreams and echoes stdin upper-cased until end of stream, then
 * ends stdout with shutdown. Exit status 0 when every check held; problems go to stderr.
 *
 * <p>Arguments: the "reading" marker file to create once data arrived (the writer waits for it
 * before it writes the rest and exits), and the "seen" marker the parent creates once it read
 * end of stream (so the child is provably alive when its shutdown ended stdout).
 */
public final class PipeStdioChild {
  private PipeStdioChild() {}

  public static void main(String[] args) throws Exception {
    Path reading = Path.of(args[0]);
    Path seen = Path.of(args[1]);
    List<String> problems = new ArrayList<>();
    try (EventLoop loop = EventLoop.create(); EventLoop other = EventLoop.create()) {
      PipeStream in = PipeStream.open(loop, 0);
      PipeStream out = PipeStream.open(loop, 1);
      expectCode(problems, "open again", "EEXIST", () -> PipeStream.open(other, 0));
      expectCode(problems, "open in another loop", "EEXIST", () -> PipeStream.open(other, 1));
      expectCode(problems, "credentials of an os pipe", "ENOTSOCK", in::peerCredentials);
      expectCode(problems, "send over an os pipe", "ENOTSOCK", () -> {
        out.send(in, null);
        return null;
      });
      if (!in.isOpen()) problems.add("a refused send moved the handle");
      String flags = fdinfoFlags(1);
      if ((Long.parseLong(flags, 8) & 04000) == 0) problems.add("stdout not O_NONBLOCK: " + flags);
      if ((Long.parseLong(flags, 8) & 02000000) == 0) problems.add("stdout not CLOEXEC: " + flags);
      boolean[] shutdownDone = new boolean[1];
      in.readStart(new ReadHandler() {
        @Override
        public void onData(Stream s, ByteBuffer data) {
          String text = StandardCharsets.UTF_8.decode(data).toString();
          try {
            out.write(ByteBuffer.wrap(text.toUpperCase().getBytes(StandardCharsets.UTF_8)),
                e -> {
                  if (e != null) problems.add("write: " + e);
                });
            if (!Files.exists(reading)) Files.createFile(reading);
          } catch (IOException e) {
            problems.add("onData: " + e);
          }
        }

        @Override
        public void onEnd(Stream s) {
          try {
            out.shutdown(e -> {
              if (e != null) problems.add("shutdown: " + e);
              shutdownDone[0] = true;
            });
          } catch (HandleClosedException e) {
            problems.add("onEnd: " + e);
          }
        }
      });
      loop.run(); // returns once stdin ended (and closed itself) and stdout's shutdown is done
      if (!shutdownDone[0]) problems.add("run() returned before the shutdown completed");
      if (in.isOpen()) problems.add("stdin still open after end of stream");
      for (int i = 0; i < 2000 && !Files.exists(seen); i++) Thread.sleep(10);
      if (!Files.exists(seen)) problems.add("the parent never saw end of stream");
      out.close();
    }
    for (String p : problems) System.err.println("PROBLEM " + p);
    System.exit(problems.isEmpty() ? 0 : 1);
  }

  private interface Action {
    Object run() throws Exception;
  }

  private static void expectCode(List<String> problems, String what, String code, Action a) {
    try {
      a.run();
      problems.add(what + ": no exception");
    } catch (NativeIOException e) {
      if (!code.equals(e.code())) problems.add(what + ": " + e);
    } catch (Exception e) {
      problems.add(what + ": " + e);
    }
  }

  private static String fdinfoFlags(int fd) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
      if (line.startsWith("flags:")) return line.substring(6).trim();
    }
    return "0";
  }
}
