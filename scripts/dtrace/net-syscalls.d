#!/usr/sbin/dtrace -qs
/*
 * Purpose: which network/event syscalls does my program make, on which thread, how often and
 *          for how long? (macOS: the syscall provider; the Linux twin is net-syscalls.sh)
 * Usage:   sudo dtrace -qs scripts/dtrace/net-syscalls.d -p PID        (Ctrl-C to end)
 *          sudo dtrace -qs scripts/dtrace/net-syscalls.d -c 'CMD ARGS'  (ends with CMD)
 * Requires: macOS dtrace, root, and SIP allowing dtrace (csrutil enable --without dtrace).
 */
syscall::socket:entry, syscall::socketpair:entry, syscall::bind:entry, syscall::listen:entry,
syscall::accept:entry, syscall::connect:entry, syscall::read:entry, syscall::write:entry,
syscall::readv:entry, syscall::writev:entry, syscall::sendmsg:entry, syscall::recvmsg:entry,
syscall::sendto:entry, syscall::recvfrom:entry, syscall::shutdown:entry, syscall::close:entry,
syscall::setsockopt:entry, syscall::getsockopt:entry, syscall::kqueue:entry,
syscall::kevent:entry, syscall::kevent64:entry
/pid == $target/
{
  self->start = timestamp;
}

syscall:::return
/self->start/
{
  @calls[tid, probefunc] = count();
  @us[tid, probefunc] = sum((timestamp - self->start) / 1000);
  @errors[tid, probefunc] = sum(errno != 0 && errno != 35 && errno != 36 ? 1 : 0);
  self->start = 0;
}

END
{
  printf("%-10s %-14s %10s %12s %8s\n", "tid", "syscall", "calls", "total us", "errors");
  printa("%-10d %-14s %@10d %@12d %@8d\n", @calls, @us, @errors);
}
