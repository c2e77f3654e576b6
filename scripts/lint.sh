#!/usr/bin/env bash
# The checks CI enforces before any test runs: rustfmt's formatting, and clippy on every target
# with warnings as errors. Release profile, so clippy shares whisper.cpp's build with the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! cargo fmt --all --check >/dev/null; then
  cargo fmt --all --check | head -40 >&2 || true
  echo "lint: the tree is not rustfmt-formatted; run: cargo fmt --all" >&2
  exit 1
fi
cargo clippy --release --locked --all-targets --quiet -- -D warnings
