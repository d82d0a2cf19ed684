package io.holdfast.internal;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The jar's entry point: {@code java -jar holdfast.jar <command> [options]}. Dispatches to the
 * command and exits with its status; an unknown command prints the usage on stderr and exits 2.
 */
public final class Main {
  private Main() {}

  private static final String USAGE = String.join("\n",
      "usage: java -jar holdfast.jar <command> [options]",
      "commands:",
      "  selftest                 platform, backend, library path and a quick battery of checks",
      "  demo [--seconds N] [--clients N] [--size BYTES]",
      "                           loopback echo server and ping-pong clients in one process",
      "  echo-server [--host H] --port N",
      "  echo-client [--host H] --port N [--seconds N] [--clients N] [--size BYTES]",
      "  stress [--seconds N] [--threads K]",
      "                           threads race operations on shared streams; only clean",
      "                           HandleClosedException rejections are allowed");

  /**
   * Runs a command and exits the JVM with its status (loop threads are not daemons, so the exit
   * is explicit).
   *
   * @param args the command and its options
   */
  public static void main(String[] args) {
    int status;
    try {
      status = run(args, System.out, System.err);
    } catch (Throwable t) {
      System.err.println((args.length > 0 ? args[0] + ": " : "") + t);
      t.printStackTrace(System.err);
      status = 1;
    }
    System.out.flush();
    System.err.flush();
    System.exit(status);
  }

  /**
   * Runs a command without exiting.
   *
   * @param args the command and its options
   * @param out standard output
   * @param err standard error
   * @return the exit status
   * @throws Exception if a command fails unexpectedly
   */
  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0) {
      err.println(USAGE);
      return 2;
    }
    String command = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "selftest":
        if (rest.length != 0) {
          err.println("selftest takes no options");
          err.println(USAGE);
          return 2;
        }
        return SelfTest.run(out);

      // ---- Hook: the lead's commands, implemented in io.holdfast.internal.Demo / Stress. ----
      case "demo":
      case "echo-server":
      case "echo-client":
        return Demo.run(command, rest);
      case "stress":
        return Stress.main(rest, out);
      // ---- End of hook. ----

      case "help":
      case "-h":
      case "--help":
        out.println(USAGE);
        return 0;
      default:
        err.println("unknown command: " + command);
        err.println(USAGE);
        return 2;
    }
  }
}
