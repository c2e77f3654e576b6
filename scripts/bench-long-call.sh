#!/usr/bin/env bash
# Peak memory and wall time for one long stereo 8 kHz call, made by concatenating the stereo
# samples until it is MINUTES long (default 120): the bounded-memory check for issues 4 and 13.
# FORMAT (default wav) is what the call is given to the tool as: wav, or anything sox writes
# by extension (mp3, flac, ogg), so that a decoded format's memory is measured too.
# CALLREDACT_BIN runs another build (a copy of an older one, to compare).
#   ./scripts/bench-long-call.sh [minutes] [format]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-120}
format=${2:-wav}
bin=${CALLREDACT_BIN:-./target/release/callredact}
[ -x "$bin" ] || cargo build --release --locked
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Every stereo 16-bit WAV sample, converted to one common format, repeated to length.
parts=()
for f in samples/*.wav; do
  if [ "$(soxi -c "$f")" = 2 ]; then sox "$f" -r 8000 -b 16 -e signed-integer "$tmp/p${#parts[@]}.wav"; parts+=("$tmp/p${#parts[@]}.wav"); fi
done
[ ${#parts[@]} -gt 0 ] || { echo "no stereo WAV samples" >&2; exit 1; }
one=$(for p in "${parts[@]}"; do soxi -D "$p"; done | awk '{s+=$1} END {print s}')
reps=$(awk -v m="$minutes" -v o="$one" 'BEGIN {print int(m * 60 / o) + 1}')
sox "${parts[@]}" "$tmp/round.wav"
list=(); for i in $(seq "$reps"); do list+=("$tmp/round.wav"); done
mkdir -p "$tmp/in"
sox "${list[@]}" "$tmp/long.wav" trim 0 "$((minutes * 60))"
in="$tmp/in/long.$format"
if [ "$format" = wav ]; then mv "$tmp/long.wav" "$in"; else sox "$tmp/long.wav" "$in"; rm "$tmp/long.wav"; fi
echo "input: $(soxi -D "$in") s, $(du -m "$in" | cut -f1) MiB, $(soxi -c "$in") channels, $(soxi -r "$in") Hz, $format" >&2
/usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" run "$tmp/in" --out "$tmp/out" --no-progress --jobs 1 --threads "$(nproc)"
read -r wall kb < "$tmp/time"
echo "long call ${minutes} min stereo 8 kHz $format: wall ${wall} s ($(awk -v m="$minutes" -v w="$wall" 'BEGIN {printf "%.1f", m*60/w}')x real time), peak RSS $((kb / 1024)) MiB"
