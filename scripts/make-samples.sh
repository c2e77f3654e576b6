#!/usr/bin/env bash
# Regenerates the shipped sample calls and their ground truth (samples/*.wav|flac|mp3|ogg and
# samples/truth.json) with espeak-ng and sox. Deterministic: the same files, byte for byte, on
# every run with the same espeak-ng and sox versions. See samples/README.md.
#
# Needs espeak-ng, sox with its MP3/Vorbis handlers (libsox-fmt-all) and lame; installs them with
# apt-get when run as root, otherwise prints the exact command. Python 3 standard library only.
# Usage: scripts/make-samples.sh [--out DIR] [--only STEM ...]
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v sox >/dev/null || need+=(sox)
command -v soxi >/dev/null || need+=(sox)
# MP3 (lame) and Ogg Vorbis writers in sox.
sox -h 2>/dev/null | grep -q " mp3 " || need+=(libsox-fmt-all)
sox -h 2>/dev/null | grep -q " vorbis " || need+=(libsox-fmt-all)
command -v lame >/dev/null || need+=(lame)
command -v python3 >/dev/null || need+=(python3)
if ((${#need[@]})); then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  if [ "$(id -u)" = 0 ]; then
    echo "make-samples: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "make-samples: missing system packages; run: sudo apt-get install -y ${need[*]}" >&2
    exit 2
  fi
fi

echo "make-samples: espeak-ng $(espeak-ng --version | sed -n 's/.*speech: \([^ ]*\).*/\1/p'), $(sox --version | sed 's/.*SoX //')" >&2
exec python3 scripts/make_samples.py "$@"
