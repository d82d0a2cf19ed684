#!/usr/sbin/dtrace -qs
/*
 * Purpose: which network/event syscalls failed, with which errno, from which thread? A Holdfast
 *          program must show no EBADF (9) or EINVAL (22) from these calls. (macOS: the syscall
 *          provider; the Linux twin is failed-syscalls.sh.) EAGAIN (35) and EINPROGRESS (36),
 *          the normal non-blocking answers, are left out.
 * Usage:   sudo dtrace -qs scripts/dtrace/failed-syscalls.d -p PID        (Ctrl-C to end)
 *          sudo dtrace -qs scripts/dtrace/failed-syscalls.d -c 'CMD ARGS'  (ends with CMD)
 * Requires: macOS dtrace, root, and SIP allowing dtrace (csrutil enable --without dtrace).
 */
int bad;

syscall::socket:return, syscall::socketpair:return, syscall::bind:return,
syscall::listen:return, syscall::accept:return, syscall::connect:return, syscall::read:return,
syscall::write:return, syscall::readv:return, syscall::writev:return, syscall::sendmsg:return,
syscall::recvmsg:return, syscall::sendto:return, syscall::recvfrom:return,
syscall::shutdown:return, syscall::close:return, syscall::setsockopt:return,
syscall::getsockopt:return, syscall::kqueue:return, syscall::kevent:return,
syscall::kevent64:return
/pid == $target && errno != 0 && errno != 35 && errno != 36/
{
  @failed[probefunc, errno] = count();
  @threads[tid, probefunc, errno] = count();
}

syscall::close:return, syscall::kevent:return, syscall::kevent64:return, syscall::read:return,
syscall::write:return, syscall::sendmsg:return, syscall::recvmsg:return,
syscall::shutdown:return, syscall::setsockopt:return, syscall::connect:return,
syscall::accept:return
/pid == $target && (errno == 9 || errno == 22)/
{
  bad++;
  printf("EBADF/EINVAL: tid %d %s errno %d\n", tid, probefunc, errno);
}

END
{
  printf("failed syscalls by call and errno:\n");
  printa("  %-12s %4d %@8d\n", @failed);
  printf("by thread:\n");
  printa("  %-10d %-12s %4d %@8d\n", @threads);
}

END
/bad == 0/
{
  printf("EBADF/EINVAL: none\n");
}
