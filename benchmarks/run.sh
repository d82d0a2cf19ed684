#!/usr/bin/env bash
# Purpose: run Holdfast's benchmarks: the C floor and JMH over Holdfast, Netty epoll and java.nio,
#          then print one table (figure ± error per transport, ratios Holdfast/Netty, /NIO, /C)
#          and write it with the raw JSON to benchmarks/results/<date>-quick.{md,json}.
# Usage:   benchmarks/run.sh --quick [-prof gc] [more options of the jar's "quick" command]
#          benchmarks/run.sh --jmh [JMH arguments...]   (the JMH command line, e.g. -l or a regex)
#          --rebuild forces the Maven build first (otherwise it builds only if the jar is missing).
# Requires: JDK 17+, Maven 3.8+, CMake 3.18+, a C11 compiler, Linux (epoll); loopback only.
#          The quick profile takes about 5 minutes on 2 cores.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/holdfast-benchmarks.jar"
floor="$root/benchmarks/target/native/benchmarks/c/hf_bench_floor"

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 64
}

mode=""
rebuild=0
args=()
while (($#)); do
  case "$1" in
    --quick) mode=quick ;;
    --jmh) mode=jmh ;;
    --rebuild) rebuild=1 ;;
    -h | --help) usage ;;
    *) args+=("$1") ;;
  esac
  shift
done
[[ -n "$mode" ]] || usage

if ((rebuild)) || [[ ! -f "$jar" || ! -x "$floor" ]]; then
  echo "==> building the benchmarks (mvn package -DskipTests)"
  (cd "$root" && mvn -B -ntp -q package -DskipTests -pl benchmarks -am)
fi

cd "$root"
if [[ "$mode" == quick ]]; then
  exec java -jar "$jar" quick --floor "$floor" --out "$root/benchmarks/results" "${args[@]}"
fi
exec java -jar "$jar" "${args[@]}"
