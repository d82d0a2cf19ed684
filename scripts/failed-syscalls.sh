#!/usr/bin/env bash
# Purpose: which network/event syscalls failed, with which errno, from which thread?
#          The check behind Holdfast's promise: a closed or moved handle never reaches the kernel,
#          so a Holdfast program must show no EBADF or EINVAL from these calls.
# Usage:   failed-syscalls.sh [-o TRACE_FILE] [-a] [-t SECONDS] -p PID
#          failed-syscalls.sh [-o TRACE_FILE] [-a] -c CMD [ARGS...]
#          -a  list every failure (default: only EBADF/EINVAL, the ones that break the promise)
#          -t  with -p: detach after SECONDS (default: Ctrl-C); -c ends with CMD
#          Exit status: 0 if no EBADF/EINVAL was seen, 1 if some were, 2 on usage errors.
# Requires: strace (Debian package strace), ptrace permission on the target.
set -euo pipefail

trace_file=""
show_all=0
pid=""
seconds=""
usage() { sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts ":o:at:p:c" opt; do
  case "$opt" in
    o) trace_file=$OPTARG ;;
    a) show_all=1 ;;
    t) seconds=$OPTARG ;;
    p) pid=$OPTARG ;;
    c) break ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ -n "$pid" ] || [ $# -gt 0 ] || usage
command -v strace >/dev/null || { echo "failed-syscalls.sh: strace is not installed" >&2; exit 2; }
[ -n "$trace_file" ] || trace_file=$(mktemp /tmp/holdfast-strace.XXXXXX)

# The syscalls the library makes; EAGAIN and EINPROGRESS are the normal non-blocking answers.
calls=epoll_create1,epoll_ctl,epoll_wait,eventfd2,socket,socketpair,bind,listen,accept4,connect
calls=$calls,read,write,writev,sendmsg,sendmmsg,recvmsg,recvmmsg,recvfrom,shutdown,close,dup3
calls=$calls,fcntl,fstat,setsockopt,getsockopt,getsockname,getpeername
timed=()
[ -z "$seconds" ] || timed=(timeout -s INT "$seconds")
status=0
if [ -n "$pid" ]; then
  "${timed[@]}" strace -f -qq -e trace="$calls" -e status=failed -o "$trace_file" -p "$pid" || status=$?
else
  strace -f -qq -e trace="$calls" -e status=failed -o "$trace_file" "$@" || status=$?
fi

failures=$(grep -E ' = -1 E[A-Z]+' "$trace_file" | grep -vE ' = -1 (EAGAIN|EINPROGRESS) ' || true)
summary=$(printf '%s\n' "$failures" | sed -nE 's/^([0-9]+) +([a-z0-9_]+)\(.* = -1 (E[A-Z]+) .*/\2 \3/p' \
  | sort | uniq -c | sort -rn)
bad=$(printf '%s\n' "$failures" | grep -E ' = -1 (EBADF|EINVAL) ' || true)
echo "failed syscalls by call and errno (trace: $trace_file):"
if [ -n "$summary" ]; then printf '%s\n' "$summary"; else echo "  none"; fi
if [ "$show_all" = 1 ] && [ -n "$failures" ]; then printf '%s\n' "$failures"; fi
if [ -n "$bad" ]; then
  echo "EBADF/EINVAL seen ($(printf '%s\n' "$bad" | wc -l)), first ones (pid/tid first):"
  printf '%s\n' "$bad" | head -20
  exit 1
fi
if [ -n "$pid" ]; then echo "EBADF/EINVAL: none"; else echo "EBADF/EINVAL: none (program exit status $status)"; fi
