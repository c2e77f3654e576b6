#!/usr/bin/env bash
# Installs what building, running and testing callredact needs on a fresh Debian/Ubuntu machine
# that has the Rust toolchain and Python with pip: system packages with apt-get when run as root
# (otherwise it prints the exact command), Python packages for the scorer and audit checks into
# .venv, and the Whisper model. Safe to run again: it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v c++ >/dev/null || need+=(g++)
# bindgen (whisper-rs-sys) needs libclang.
ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || ls /usr/lib/*/libclang*.so* >/dev/null 2>&1 || need+=(libclang-dev)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v sox >/dev/null || need+=(sox)
# MP3/OGG support in sox, for the scorer and the sample generator.
sox -h 2>/dev/null | grep -q "mp3" || need+=(libsox-fmt-all)
command -v lame >/dev/null || need+=(lame)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
# Headless browser for tests/report.rs, which renders the review pages and reads their DOM.
command -v chromium >/dev/null || need+=(chromium)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: missing system packages; run: sudo apt-get install -y ${need[*]}" >&2
    exit 2
  fi
fi

# Python tools for the scorer and audit checks, kept out of the system site-packages.
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import numpy, pyarrow, duckdb" 2>/dev/null; then
  echo "setup: installing numpy, pyarrow, duckdb into .venv" >&2
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check "numpy>=1.26" "pyarrow>=15" "duckdb>=1.0"
fi

./scripts/fetch-model.sh
