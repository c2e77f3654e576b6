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
# One test at a time within each test binary: whisper.cpp's worker threads spin while they
# wait, so two end-to-end tests each running the model with every core ran about ten times
# slower than one after the other (CI saw 121 s of transcription for a 34 s call).
export RUST_TEST_THREADS=${RUST_TEST_THREADS:-1}
cargo test --release --locked --all-targets
