#!/usr/bin/env bash
# Purpose: in what order were socket/accept4, epoll_ctl and close called on one fd number, by
#          which thread? The fd-reuse race shows as a use of the number after its close and
#          before the call that reopened it (e.g. epoll_ctl DEL after close: the deregistration
#          came too late and could have hit the next socket to get that number). Each life of
#          the number is numbered; lines that use a closed number are marked "!!".
# Usage:   fd-history.sh -f FD [-o TRACE_FILE] [-a] [-t SECONDS] -p PID
#          fd-history.sh -f FD [-o TRACE_FILE] [-a] -c CMD [ARGS...]
#          -a  every call on the fd (reads, writes, socket options), not only the lifecycle
#          -p runs until Ctrl-C or -t SECONDS; -c ends with CMD.
#          Exit status: 0 if no closed number was used, 1 if one was, 2 on usage errors.
# Requires: strace (Debian package strace), ptrace permission on the target. Calls on other
#           threads are ordered as strace saw them return (-tt times shown). Each process has its
#           own fd table: a child forked by CMD (clone without CLONE_FILES) is tracked apart.
set -euo pipefail

fd=""
trace_file=""
all=0
pid=""
seconds=""
usage() { sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts ":f:o:at:p:c" opt; do
  case "$opt" in
    f) fd=$OPTARG ;;
    o) trace_file=$OPTARG ;;
    a) all=1 ;;
    t) seconds=$OPTARG ;;
    p) pid=$OPTARG ;;
    c) break ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[[ "$fd" =~ ^[0-9]+$ ]] || usage
[ -n "$pid" ] || [ $# -gt 0 ] || usage
command -v strace >/dev/null || { echo "fd-history.sh: strace is not installed" >&2; exit 2; }
[ -n "$trace_file" ] || trace_file=$(mktemp /tmp/holdfast-strace.XXXXXX)

# Calls that create a number, use it for the lifecycle, or release it.
calls=socket,socketpair,accept,accept4,connect,bind,listen,shutdown,epoll_ctl,close,dup,dup2,dup3
calls=$calls,open,openat,eventfd2,epoll_create1,pipe2,recvmsg,prctl,clone,clone3,fork,vfork
[ "$all" = 0 ] || calls=$calls,read,write,writev,readv,sendmsg,sendto,recvfrom,setsockopt,getsockopt
timed=()
[ -z "$seconds" ] || timed=(timeout -s INT "$seconds")
status=0
if [ -n "$pid" ]; then
  "${timed[@]}" strace -f -qq -yy -tt -e trace="$calls" -o "$trace_file" -p "$pid" || status=$?
else
  strace -f -qq -yy -tt -e trace="$calls" -o "$trace_file" "$@" || status=$?
fi

echo "history of fd $fd (trace: $trace_file):"
misuse=0
awk -v fd="$fd" '
  BEGIN {
    bad = 0; main = ""
    first = "^[a-z0-9_]+\\(" fd "[<,)]"; epoll = "EPOLL_CTL_[A-Z]+, " fd "[<,]"
    ret = "= " fd "(<| |$)"; arr = "(\\[|, )" fd "<"
  }
  {
    tid = $1
    if (main == "") main = tid
    if (!(tid in table)) table[tid] = main  # a thread unless its clone said otherwise
    if ($3 ~ /^<\.\.\./) { line = start[tid] " ..." substr($0, index($0, "resumed>") + 8) }
    else if ($0 ~ /<unfinished \.\.\.>$/) { sub(/ <unfinished \.\.\.>$/, ""); start[tid] = $0; next }
    else line = $0
    split(line, f, " "); call = f[3]; sub(/\(.*/, "", call)
    text = substr(line, index(line, f[3]))
    if (call == "prctl") {
      if (match(text, /PR_SET_NAME, "[^"]*"/)) name[tid] = substr(text, RSTART + 14, RLENGTH - 15)
      next
    }
    if (call ~ /^(clone|clone3|fork|vfork)$/) {
      if (match(text, /= [0-9]+$/)) {
        child = substr(text, RSTART + 2)
        if (text ~ /CLONE_FILES/) table[child] = table[tid]
        else { table[child] = child; open_[child] = open_[table[tid]]; life[child] = 0 }
      }
      next
    }
    t = table[tid]
    failed = text ~ / = -1 E[A-Z]+/
    # socketpair/pipe2 return fds in an array, recvmsg brings them in SCM_RIGHTS
    creates = !failed && (text ~ ret || (call ~ /^(pipe2|socketpair|recvmsg)$/ && text ~ arr))
    uses = text ~ first || text ~ epoll
    if (!creates && !uses) next
    mark = "  "
    if (uses && !open_[t] && !(creates && call ~ /^dup/)) { mark = "!!"; bad++ }
    if (creates) {
      life[t]++; open_[t] = 1; lives++
      printf "--- life %d of fd %d in process %s\n", life[t], fd, t
    }
    nm = tid in name ? name[tid] : "-"
    printf "%s %s %-7s %-16s %s\n", mark, f[2], tid, nm, substr(text, 1, 200)
    if (call == "close" && uses && !failed) open_[t] = 0
  }
  END {
    if (lives == 0 && bad == 0) print "  (no call on this fd number was traced)"
    printf "%d lives, %d uses of the number while it was closed\n", lives, bad
    exit bad > 0
  }' "$trace_file" || misuse=$?
[ -n "$pid" ] || echo "(program exit status $status)"
exit "$misuse"
