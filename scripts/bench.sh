#!/usr/bin/env bash
# Throughput of `callredact run` on samples/: audio seconds per wall second, median of N runs
# (default 3), plus peak RSS. Machines here are shared and noisy: quote the median.
#   ./scripts/bench.sh [runs] [extra run flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; shift || true
bin=./target/release/callredact
[ -x "$bin" ] || cargo build --release --locked
audio=$(for f in samples/*; do case "$f" in *.json|*.md) ;; *) soxi -D "$f";; esac; done | awk '{s+=$1} END {printf "%.2f", s}')
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
walls=(); rss=()
for i in $(seq "$runs"); do
  rm -rf "$tmp/out"
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" run samples --out "$tmp/out" --no-progress "$@" >/dev/null 2>&1 || true
  read -r wall kb < "$tmp/time"
  walls+=("$wall"); rss+=("$kb")
  echo "run $i: wall ${wall}s, peak RSS $((kb / 1024)) MiB" >&2
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
w=$(median "${walls[@]}"); m=$(median "${rss[@]}")
echo "samples: ${audio} s of audio; median wall ${w} s over ${runs} runs; $(awk -v a="$audio" -v w="$w" 'BEGIN {printf "%.1f", a/w}')x real time; median peak RSS $((m / 1024)) MiB; $(nproc) cores"
