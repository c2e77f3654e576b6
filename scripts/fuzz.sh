#!/usr/bin/env bash
# A longer fuzz run than the suite's: mutates real headers and frames of every supported format
# (bit flips, truncations, field extremes, spliced bytes) against open, the voice-activity pass
# and the writers, with a new seed each round. Prints each round's counts; any escaped panic
# fails the round and its input is kept (the test names the iteration).
#   ./scripts/fuzz.sh [rounds] [iterations per round]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}; per=${2:-20000}
cargo build --release --locked --tests --quiet
for r in $(seq "$rounds"); do
  seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
  FUZZ_ITERATIONS=$per FUZZ_SEED=$seed cargo test --release --locked --quiet --test fuzz_decode \
    -- --nocapture mutated 2>&1 | grep -E "^fuzz:|panicked|escaped" || { echo "round $r (seed $seed) failed" >&2; exit 1; }
done
