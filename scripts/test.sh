#!/usr/bin/env bash
# The whole test suite from a fresh clone: set up, then every unit, corpus and end-to-end test
# (the end-to-end tests run the real Whisper model over samples/).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
# Formatting and clippy first: a tree that fails them fails CI before the long tests run.
./scripts/lint.sh
# Release mode: the end-to-end tests run whisper on real audio, and one profile means one
# build of whisper.cpp shared with the demo.
cargo test --release --locked --all-targets
