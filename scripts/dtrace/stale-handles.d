#!/usr/sbin/dtrace -qs
/*
 * Purpose: which native entry points were called with a stale token (a handle closed or moved),
 *          how often, from which thread? Each was refused with HF_ESTALE before any syscall.
 *          The native check only: Java refuses closed/moved handles before any JNI call
 *          (HandleBase), so this shows the races that got past it. (macOS; the Linux twin is
 *          stale-handles.bt.)
 * Usage:   sudo dtrace -qs scripts/dtrace/stale-handles.d -p PID        (Ctrl-C to end)
 *          sudo dtrace -qs scripts/dtrace/stale-handles.d -c 'CMD ARGS'  (ends with CMD)
 * Requires: macOS dtrace, root, SIP allowing dtrace, and a libholdfast built with its USDT
 *          probes (provider holdfast; the macOS build of the native library is still to come).
 */
holdfast$target:::handle-stale
{
  @by_caller[ufunc(arg1)] = count();
  @by_thread[tid] = count();
}

END
{
  printf("stale-token rejections by native caller:\n");
  printa("  %A %@d\n", @by_caller);
  printf("by thread:\n");
  printa("  %d %@d\n", @by_thread);
}
