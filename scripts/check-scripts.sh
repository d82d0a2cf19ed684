#!/usr/bin/env bash
# Purpose: CI check of the debugging scripts: each has its header (Purpose/Usage/Requires), an
#          example output in scripts/examples/ and a line in scripts/README.md; shell scripts pass
#          pass shellcheck; bpftrace programs compile (bpftrace -d, against the built library); dtrace
#          scripts are well-formed (checked here on Linux, where there is no dtrace); every USDT
#          probe a script names is one the native code defines; fd-history.sh and
#          failed-syscalls.sh catch the race in testdata/close-then-deregister.c.
# Usage:   check-scripts.sh [LIB]     LIB: the built libholdfast.so
#                                     (default: java/target/native/libholdfast.so)
#          Exit status: 0 if all checks passed (skipped ones say why), 1 otherwise.
# Requires: shellcheck; bpftrace and root for the compile check (skipped with a reason if absent
#           or unusable); strace and cc for the race check; awk, grep.
set -euo pipefail

lib=${1:-$(dirname "${BASH_SOURCE[0]}")/../java/target/native/libholdfast.so}
[[ "$lib" == /* ]] || lib=$PWD/$lib
cd "$(dirname "${BASH_SOURCE[0]}")"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }
skip() { echo "skip: $*"; }

shopt -s nullglob
shell=(*.sh)
bt=(*.bt)
d=(dtrace/*.d)

# Headers, examples, index.
for f in "${shell[@]}" "${bt[@]}" "${d[@]}"; do
  for field in Purpose: Usage: Requires:; do
    head -n 20 "$f" | grep -q "$field" || fail "$f: no $field line in its header"
  done
  [ "$f" = check-scripts.sh ] && continue
  grep -q "($f)" README.md || fail "$f: not indexed in scripts/README.md"
  # the runner's output is its programs'; there is no dtrace on Linux to capture output with
  [ "$f" = hf-bpftrace.sh ] || [[ "$f" == dtrace/* ]] && continue
  name=$(basename "$f")
  [ -s "examples/${name%.*}.txt" ] || fail "$f: no example output examples/${name%.*}.txt"
done

# Lint the shell scripts.
if command -v shellcheck >/dev/null; then
  if shellcheck "${shell[@]}"; then ok "shellcheck: ${shell[*]}"; else fail "shellcheck"; fi
else
  fail "shellcheck is not installed"
fi

# USDT probe names: the ones scripts use must be defined (HF__PROBEn(name, ...) in native/src).
defined=$(grep -ohE 'HF__PROBE[0-9]\(([a-z_]+)' ../native/src/*.c | sed 's/.*(//' | sort -u)
for f in "${bt[@]}" "${d[@]}"; do
  # bpftrace: holdfast:read__start; dtrace: holdfast$target:::read-start
  while read -r p; do
    grep -qx "$p" <<<"$defined" || fail "$f: probe $p is not defined in native/src"
  done < <(grep -oE 'holdfast(:|[$]target:::)[a-z_-]+' "$f" | sed 's/.*://; s/-/__/g' | sort -u)
done
ok "probe names used by scripts are defined: $(tr '\n' ' ' <<<"$defined")"
# ...and in the built library (bpftrace -d does not look the probes up).
if [ -f "$lib" ] && command -v readelf >/dev/null; then
  built=$(readelf -n "$lib" | sed -n 's/^ *Name: //p' | sort -u)
  for p in $defined; do
    grep -qx "$p" <<<"$built" || fail "probe holdfast:$p is not in $lib (built without sys/sdt.h?)"
  done
  ok "the probes are in $lib"
else
  skip "no library at $lib or no readelf: probes in the built library not checked"
fi

# bpftrace compile check (-d: parse, semantic analysis and code generation, nothing attached).
if ! command -v bpftrace >/dev/null; then
  skip "bpftrace is not installed: .bt programs not compiled"
elif ! bpftrace -e 'BEGIN { exit(); }' >/dev/null 2>&1; then
  skip "bpftrace cannot run here (needs root and BPF): .bt programs not compiled"
elif [ ! -f "$lib" ]; then
  skip "no library at $lib (build first): .bt programs not compiled"
else
  # Tracepoint programs need tracefs for the tracepoints' formats: mount it for the check (and
  # unmount it after) where it is not mounted, as on a fresh CI machine.
  mounted_tracefs=0
  if [ ! -d /sys/kernel/tracing/events ] && mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
  then
    mounted_tracefs=1
    trap 'umount /sys/kernel/tracing' EXIT
  fi
  for f in "${bt[@]}"; do
    if grep -q '^tracepoint:' "$f" && [ ! -d /sys/kernel/tracing/events ]; then
      skip "bpftrace -d $f: uses tracepoints and tracefs is not mounted (and cannot be here)"
      continue
    fi
    if out=$(bpftrace -d "$f" "$lib" 2>&1) && ! grep -qE 'ERROR|WARNING' <<<"$(
      grep -v RLIMIT_MEMLOCK <<<"$out" | grep -v 'available_filter_functions')"; then
      ok "bpftrace -d $f"
    else
      grep -E 'ERROR|WARNING|^ ' <<<"$out" | grep -v RLIMIT_MEMLOCK | head -20
      fail "bpftrace -d $f"
    fi
  done
  [ "$mounted_tracefs" = 0 ] || echo "      (tracefs mounted on /sys/kernel/tracing for the check)"
fi

# The strace scripts catch what they are for: a program that closes a socket before taking it
# out of epoll (testdata/close-then-deregister.c) makes both report it.
if command -v strace >/dev/null && command -v cc >/dev/null; then
  tmp=$(mktemp -d /tmp/holdfast-check.XXXXXX)
  cc -o "$tmp/race" testdata/close-then-deregister.c
  racefd=$("$tmp/race" | sed -n 's/^fd \([0-9]*\) .*/\1/p')
  status=0
  out=$(./fd-history.sh -f "$racefd" -o "$tmp/t1" -c "$tmp/race" 2>&1) || status=$?
  if [ "$status" = 1 ] && grep -q '^!! .*EPOLL_CTL_DEL' <<<"$out"; then
    ok "fd-history.sh flags epoll_ctl DEL after close (exit 1)"
  else
    printf '%s\n' "$out"
    fail "fd-history.sh did not flag the use after close (exit $status)"
  fi
  status=0
  out=$(./failed-syscalls.sh -o "$tmp/t2" -c "$tmp/race" 2>&1) || status=$?
  if [ "$status" = 1 ] && grep -q 'epoll_ctl EBADF' <<<"$out"; then
    ok "failed-syscalls.sh reports the EBADF (exit 1)"
  else
    printf '%s\n' "$out"
    fail "failed-syscalls.sh did not report the EBADF (exit $status)"
  fi
  rm -rf "$tmp"
else
  skip "strace or cc missing: the strace scripts not run on testdata/close-then-deregister.c"
fi

# dtrace: no dtrace(1) on Linux; check what can be checked without it.
for f in "${d[@]}"; do
  if problems=$(awk -f dtrace/lint.awk "$f"); then ok "dtrace lint $f"; else
    printf '%s\n' "$problems"
    fail "dtrace lint $f"
  fi
done

if [ "$failures" -gt 0 ]; then
  echo "check-scripts: $failures failure(s)"
  exit 1
fi
echo "check-scripts: all passed"
