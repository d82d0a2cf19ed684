#!/usr/bin/env bash
# Purpose: which network/event syscalls does my program make, on which thread, on what kind of
#          fd, how often and for how long? strace with fds decoded to sockets (-yy) and the time
#          of each call (-T), summed per thread, syscall and fd kind (TCP, UDP, UNIX-STREAM,
#          eventpoll, eventfd...); a strace -c per thread.
# Usage:   net-syscalls.sh [-o TRACE_FILE] [-n LINES] [-a] [-t SECONDS] -p PID
#          net-syscalls.sh [-o TRACE_FILE] [-n LINES] [-a] -c CMD [ARGS...]
#          -n  also print the first LINES decoded trace lines that name a socket (default 0)
#          -a  keep calls on regular files and pipes too (default: sockets, epoll, eventfd)
#          -p runs until Ctrl-C or -t SECONDS; -c ends with CMD. The trace stays in TRACE_FILE.
#          strace stops the thread at every traced call: expect the program to run many times
#          slower, and the times to be inflated alike (compare them with each other).
# Requires: strace (Debian package strace), ptrace permission on the target.
set -euo pipefail

trace_file=""
lines=0
all=0
pid=""
seconds=""
usage() { sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts ":o:n:at:p:c" opt; do
  case "$opt" in
    o) trace_file=$OPTARG ;;
    n) lines=$OPTARG ;;
    a) all=1 ;;
    t) seconds=$OPTARG ;;
    p) pid=$OPTARG ;;
    c) break ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ -n "$pid" ] || [ $# -gt 0 ] || usage
command -v strace >/dev/null || { echo "net-syscalls.sh: strace is not installed" >&2; exit 2; }
[ -n "$trace_file" ] || trace_file=$(mktemp /tmp/holdfast-strace.XXXXXX)

# The library's syscalls, plus prctl to learn thread names (Java names threads with PR_SET_NAME).
calls=epoll_create1,epoll_ctl,epoll_wait,epoll_pwait,eventfd2,socket,socketpair,bind,listen
calls=$calls,accept4,connect,read,write,writev,sendmsg,recvmsg,sendto,recvfrom,shutdown,close
calls=$calls,setsockopt,getsockopt,getsockname,getpeername,prctl
timed=()
[ -z "$seconds" ] || timed=(timeout -s INT "$seconds")
status=0
if [ -n "$pid" ]; then
  "${timed[@]}" strace -f -qq -yy -T -e trace="$calls" -o "$trace_file" -p "$pid" || status=$?
  names_from=/proc/$pid/task
else
  strace -f -qq -yy -T -e trace="$calls" -o "$trace_file" "$@" || status=$?
  names_from=""
fi

echo "network syscalls per thread (decoded trace: $trace_file)"
awk -v all="$all" -v tasks="$names_from" '
  function kind(s,   k) {
    if (!match(s, /[0-9]+<[^>]*>/)) return "-"
    k = substr(s, RSTART, RLENGTH); sub(/^[0-9]+</, "", k)
    if (k ~ /^\//) return "file"
    if (k ~ /^anon_inode:/) { gsub(/^anon_inode:\[?|\]?>$/, "", k); return k }
    sub(/:.*/, "", k); return k
  }
  {
    tid = $1
    if ($2 ~ /^<\.\.\./) { call = $3; line = start[tid] " " $0; delete start[tid] }
    else {
      call = $2; sub(/\(.*/, "", call); line = $0
      if ($0 ~ /<unfinished \.\.\.>$/) { start[tid] = $0; next }
    }
    if (call == "prctl") {
      if (match(line, /PR_SET_NAME, "[^"]*"/)) name[tid] = substr(line, RSTART + 14, RLENGTH - 15)
      next
    }
    k = kind(line)
    if (!all && (k == "file" || k == "pipe" || k == "-")) next
    key = tid SUBSEP call SUBSEP k
    n[key]++
    if (line ~ / = -1 E[A-Z]+/ && line !~ / = -1 (EAGAIN|EINPROGRESS) /) err[key]++
    if (match(line, /<[0-9.]+>$/)) t[key] += substr(line, RSTART + 1, RLENGTH - 2)
  }
  END {
    printf "%-7s %-16s %-12s %-12s %9s %7s %10s %8s\n", "tid", "thread", "syscall", "fd kind",
      "calls", "errors", "total ms", "avg us"; fflush()
    for (key in n) {
      split(key, f, SUBSEP)
      if (!(f[1] in name) && tasks != "") {
        file = tasks "/" f[1] "/comm"
        if ((getline nm < file) > 0) name[f[1]] = nm
        close(file)
      }
      nm = f[1] in name ? name[f[1]] : "-"
      printf "%-7s %-16s %-12s %-12s %9d %7d %10.1f %8.1f\n", f[1], nm, f[2], f[3], n[key],
        err[key], t[key] * 1000, t[key] * 1e6 / n[key] | "sort -k1,1n -k7,7nr"
    }
  }' "$trace_file"
if [ "$lines" -gt 0 ]; then
  echo "first $lines decoded lines naming a socket, from threads that call epoll_wait:"
  awk 'NR == FNR { if ($0 ~ /epoll_wait\(/) loop[$1] = 1; next }
       ($1 in loop) && /<(TCP|TCPv6|UDP|UDPv6|UNIX)/' "$trace_file" "$trace_file" \
    | head -n "$lines" | cut -c1-200
fi
[ -n "$pid" ] || echo "(program exit status $status)"
