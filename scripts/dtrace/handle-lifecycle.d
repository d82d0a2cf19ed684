#!/usr/sbin/dtrace -qs
/*
 * Purpose: the life of each handle as the native library sees it: open (with its fd), accept,
 *          connect result, read start/stop, close; one line per event with the thread.
 *          Tokens print as slot:generation. (macOS; the Linux twin is handle-lifecycle.bt.)
 * Usage:   sudo dtrace -qs scripts/dtrace/handle-lifecycle.d -p PID        (Ctrl-C to end)
 *          sudo dtrace -qs scripts/dtrace/handle-lifecycle.d -c 'CMD ARGS'  (ends with CMD)
 * Requires: macOS dtrace, root, SIP allowing dtrace, and a libholdfast built with its USDT
 *          probes (provider holdfast; the macOS build of the native library is still to come).
 *          Types: 1 timer, 2 tcp-listener, 3 tcp, 4 pipe-listener, 5 pipe, 6 udp.
 */
holdfast$target:::handle-open
{
  printf("%-8d open         %d:%d type %d fd %d\n", tid, arg0 & 0xffffffff, arg0 >> 32, arg1,
         (int)arg2);
  @opened[arg1] = count();
}

holdfast$target:::accept
{
  printf("%-8d accept       %d:%d accepted %d:%d fd %d\n", tid, arg0 & 0xffffffff, arg0 >> 32,
         arg1 & 0xffffffff, arg1 >> 32, (int)arg2);
}

holdfast$target:::connect-done
{
  printf("%-8d connect-done %d:%d fd %d result %d\n", tid, arg0 & 0xffffffff, arg0 >> 32,
         (int)arg1, (int)arg2);
}

holdfast$target:::read-start
{
  printf("%-8d read-start   %d:%d fd %d\n", tid, arg0 & 0xffffffff, arg0 >> 32, (int)arg1);
}

holdfast$target:::read-stop
{
  printf("%-8d read-stop    %d:%d fd %d result %d\n", tid, arg0 & 0xffffffff, arg0 >> 32,
         (int)arg1, (int)arg2);
}

holdfast$target:::handle-close
{
  printf("%-8d close        %d:%d type %d fd %d\n", tid, arg0 & 0xffffffff, arg0 >> 32, arg1,
         (int)arg2);
  @closed[arg1] = count();
}

END
{
  printf("opened by type:\n");
  printa("  %d %@d\n", @opened);
  printf("closed by type:\n");
  printa("  %d %@d\n", @closed);
}
