#!/usr/sbin/dtrace -qs
/*
 * Purpose: in what order were socket/accept, kevent (the first change of each call) and close
 *          called on one fd number, by which thread? (macOS; the Linux twin is fd-history.sh.)
 *          A use of the number after its close and before it was reopened is marked "!!".
 * Usage:   sudo dtrace -qs scripts/dtrace/fd-history.d -p PID FD        (Ctrl-C to end)
 *          sudo dtrace -qs scripts/dtrace/fd-history.d -c 'CMD ARGS' FD
 * Requires: macOS dtrace, root, and SIP allowing dtrace (csrutil enable --without dtrace).
 *          kevent changes are read from the first struct kevent only (ident at offset 0).
 */
int open_fd;

syscall::socket:return, syscall::accept:return, syscall::dup:return, syscall::dup2:return,
syscall::open:return, syscall::open_nocancel:return, syscall::kqueue:return
/pid == $target && (int)arg1 == $1/
{
  open_fd = 1;
  printf("   %d %-8d %s() = %d: a new life of fd %d\n", timestamp / 1000, tid, probefunc,
         (int)arg1, $1);
}

syscall::close:entry, syscall::connect:entry, syscall::shutdown:entry, syscall::listen:entry,
syscall::bind:entry
/pid == $target && (int)arg0 == $1/
{
  printf("%s %d %-8d %s(%d)\n", open_fd ? "  " : "!!", timestamp / 1000, tid, probefunc,
         (int)arg0);
}

syscall::close:return
/pid == $target && self->closing/
{
  open_fd = 0;
  self->closing = 0;
}

syscall::close:entry
/pid == $target && (int)arg0 == $1/
{
  self->closing = 1;
}

syscall::kevent:entry
/pid == $target && arg2 > 0 && *(uint64_t *)copyin(arg1, 8) == $1/
{
  printf("%s %d %-8d kevent(kq %d, first change on fd %d, %d changes)\n", open_fd ? "  " : "!!",
         timestamp / 1000, tid, (int)arg0, $1, (int)arg2);
}
