#!/usr/sbin/dtrace -qs
/*
 * Purpose: where does each loop thread spend its time: waiting in kevent, in other syscalls,
 *          in the native loop turn, or in Java (callbacks, tasks, JNI glue)? A loop thread is one
 *          that fires holdfast:::poll-start. (macOS; the Linux twin is loop-time.bt.)
 * Usage:   sudo dtrace -qs scripts/dtrace/loop-time.d -p PID        (Ctrl-C to end)
 *          sudo dtrace -qs scripts/dtrace/loop-time.d -c 'CMD ARGS'  (ends with CMD)
 * Requires: macOS dtrace, root, SIP allowing dtrace, and a libholdfast built with its USDT
 *          probes (provider holdfast; the macOS build of the native library is still to come).
 */
holdfast$target:::poll-start
{
  @us[tid, "4 java"] = sum(self->java_from ? (timestamp - self->java_from - self->sys) / 1000 : 0);
  self->sys = 0;
  self->turn_from = timestamp;
  self->loop = 1;
  @turns[tid] = count();
}

holdfast$target:::poll-done
/self->turn_from/
{
  @us[tid, "3 native"] = sum((timestamp - self->turn_from - self->sys) / 1000);
  self->sys = 0;
  self->turn_from = 0;
  self->java_from = timestamp;
}

syscall:::entry
/self->loop/
{
  self->sys_from = timestamp;
}

syscall::kevent:return, syscall::kevent64:return
/self->sys_from/
{
  @us[tid, "1 kevent"] = sum((timestamp - self->sys_from) / 1000);
  self->sys += timestamp - self->sys_from;
  self->sys_from = 0;
}

syscall:::return
/self->sys_from/
{
  @us[tid, "2 syscalls"] = sum((timestamp - self->sys_from) / 1000);
  self->sys += timestamp - self->sys_from;
  self->sys_from = 0;
}

END
{
  printf("per loop thread: microseconds by part\n");
  printa("  %-10d %-12s %@12d\n", @us);
  printa("  %-10d turns %@d\n", @turns);
}
