#!/usr/bin/env bash
# Installs what building, running and testing callredact needs on a fresh Debian/Ubuntu machine
# that has the Rust toolchain and Python with pip: system packages with apt-get when run as root
# (otherwise it prints the exact command), Python packages for the scorer and audit checks into
# .venv, and the Whisper model. Safe to run again: it does nothing that is already done.
#
# Each check asks for exactly what a build or test step uses, not for something that merely
# looks like it: a machine once had libclang-cpp14 (a different library) and no libclang, and
# the whisper-rs-sys build failed with "Unable to find libclang".
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
have() { command -v "$1" >/dev/null 2>&1; }

# whisper-rs-sys builds whisper.cpp with cmake and a C++ compiler.
have cmake || need+=(cmake)
have c++ || need+=(g++)
# ...and generates its bindings with bindgen, which loads libclang at run time (clang-sys looks
# for libclang.so, libclang-N.so or libclang.so.N) and needs clang's own headers (stddef.h).
libclang_ok() {
  local lib=0 hdr=0 f
  for f in /usr/lib/llvm-*/lib/libclang.so* /usr/lib/llvm-*/lib/libclang-[0-9]*.so* \
           /usr/lib/*/libclang.so* /usr/lib/*/libclang-[0-9]*.so*; do
    [ -e "$f" ] && lib=1 && break
  done
  for f in /usr/lib/llvm-*/lib/clang/*/include/stddef.h /usr/lib/clang/*/include/stddef.h; do
    [ -e "$f" ] && hdr=1 && break
  done
  [ "$lib" = 1 ] && [ "$hdr" = 1 ]
}
libclang_ok || need+=(libclang-dev)
# The sample and corpus generators and the scorer: espeak-ng, sox (with MP3/Ogg), lame, ffmpeg.
have espeak-ng || need+=(espeak-ng)
have sox || need+=(sox)
sox -h 2>/dev/null | grep -q "mp3" || need+=(libsox-fmt-all)
have lame || need+=(lame)
have ffmpeg || need+=(ffmpeg)
# The review page's test renders it in a real browser.
have chromium || need+=(chromium)
# .venv below: Debian's own python3 keeps venv's pip in a separate package.
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)

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
  libclang_ok || { echo "setup: libclang-dev is installed but libclang or its headers are not where bindgen looks" >&2; exit 2; }
fi

# Python tools for the scorer and audit checks, kept out of the system site-packages.
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import numpy, pyarrow, duckdb" 2>/dev/null; then
  echo "setup: installing numpy, pyarrow, duckdb into .venv" >&2
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check "numpy>=1.26" "pyarrow>=15" "duckdb>=1.0"
fi

./scripts/fetch-model.sh
