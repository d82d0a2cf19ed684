#!/usr/bin/env bash
# Purpose: runs one of the scripts/*.bt programs against a Holdfast program. The .bt programs
#          attach to the library's USDT probes (provider holdfast) and get the library file as $1.
# Usage:   hf-bpftrace.sh SCRIPT.bt [-t SECONDS] [-l LIB] [-x ARG] -p PID
#          hf-bpftrace.sh SCRIPT.bt [-t SECONDS] [-l LIB] [-x ARG] -c CMD [ARGS...]
#          -p  attach to a running JVM; it must have loaded the library from a file that still
#              exists: start it with -Dholdfast.library.path=FILE (the copy extracted from the jar
#              is deleted once loaded, and uprobes need a path)
#          -c  run CMD with JAVA_TOOL_OPTIONS=-Dholdfast.library.path=LIB, so that the JVM loads LIB
#              (default: java/target/native/libholdfast.so of this checkout); ends with CMD
#          -t  stop after SECONDS (default: when CMD ends, or Ctrl-C)
#          -x  a second argument for the program ($2, e.g. a threshold)
#          Exit status: CMD's with -c, bpftrace's with -p (0 when -t ends it), 2 on usage errors.
# Requires: bpftrace (Debian package bpftrace), root; tracefs mounted on /sys/kernel/tracing for
#           programs using tracepoints (mount -t tracefs tracefs /sys/kernel/tracing).
set -euo pipefail
# bpftrace 0.17 noise filtered from its output: a failed RLIMIT_MEMLOCK raise (kernels since 5.11
# account BPF memory to the cgroup instead), and, without tracefs, detach errors for uprobes
# and errors closing perf event fds at exit (attached through perf, they go with bpftrace anyway).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() { sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -gt 0 ] || usage
script=$1
shift
[ -f "$script" ] || { echo "hf-bpftrace.sh: no such program: $script" >&2; exit 2; }
lib=""
pid=""
seconds=""
extra=()
while getopts ":t:l:x:p:c" opt; do
  case "$opt" in
    t) seconds=$OPTARG ;;
    l) lib=$OPTARG ;;
    x) extra=("$OPTARG") ;;
    p) pid=$OPTARG ;;
    c) break ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ -n "$pid" ] || [ $# -gt 0 ] || usage
command -v bpftrace >/dev/null || { echo "hf-bpftrace.sh: bpftrace is not installed" >&2; exit 2; }
if grep -q '^tracepoint:' "$script" && [ ! -d /sys/kernel/tracing/events ]; then
  echo "hf-bpftrace.sh: $script uses tracepoints: mount -t tracefs tracefs /sys/kernel/tracing" >&2
  exit 2
fi
timed=()
[ -z "$seconds" ] || timed=(timeout -s INT "$seconds")

if [ -n "$pid" ]; then
  if [ -z "$lib" ]; then
    lib=$(awk '$6 ~ /libholdfast/ { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print; exit }' \
      "/proc/$pid/maps" 2>/dev/null || true)
    [ -n "$lib" ] || { echo "hf-bpftrace.sh: process $pid has not loaded libholdfast" >&2; exit 2; }
  fi
  case "$lib" in *" (deleted)")
    echo "hf-bpftrace.sh: $pid loaded $lib; uprobes need the file: start the JVM" \
      "with -Dholdfast.library.path=FILE (or pass -c)" >&2
    exit 2 ;;
  esac
  set +e
  "${timed[@]}" bpftrace -p "$pid" "$script" "$lib" "${extra[@]}" 2>&1 |
    grep --line-buffered -v -e RLIMIT_MEMLOCK -e uprobe_events -e 'failed to detach probe' -e 'perf event' | cat -s
  status=${PIPESTATUS[0]}
  [ "$status" != 124 ] || [ -z "$seconds" ] || status=0 # -t SECONDS ran out: the normal end
  exit "$status"
fi

[ -n "$lib" ] || lib="$here/../java/target/native/libholdfast.so"
[ -f "$lib" ] || { echo "hf-bpftrace.sh: no library at $lib (build it, or pass -l)" >&2; exit 2; }
lib=$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")
out=$(mktemp /tmp/holdfast-bpftrace.XXXXXX)
# Attached by file, not by pid: the probes fire in every process mapping this file, from the
# first instruction of CMD on. The program prints its header from BEGIN, once all are attached.
bpftrace "$script" "$lib" "${extra[@]}" >"$out" 2>&1 &
bt=$!
trap 'kill -INT "$bt" 2>/dev/null || true' EXIT
for _ in $(seq 300); do
  grep -q '^Tracing' "$out" && break
  kill -0 "$bt" 2>/dev/null || { cat "$out" >&2; exit 2; }
  sleep 0.1
done
grep -q '^Tracing' "$out" || { echo "hf-bpftrace.sh: bpftrace did not attach in 30 s" >&2; exit 2; }
tail -n +1 -f --pid="$bt" "$out" | grep --line-buffered -v -e RLIMIT_MEMLOCK -e uprobe_events -e 'failed to detach probe' -e 'perf event' | cat -s &
printer=$!
status=0
JAVA_TOOL_OPTIONS="-Dholdfast.library.path=$lib ${JAVA_TOOL_OPTIONS:-}" "${timed[@]}" "$@" \
  >&2 || status=$?
kill -INT "$bt" 2>/dev/null || true
wait "$bt" 2>/dev/null || true
wait "$printer" 2>/dev/null || true
trap - EXIT
rm -f "$out"
echo "hf-bpftrace.sh: command exit status $status" >&2
exit "$status"
