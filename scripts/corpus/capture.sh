#!/usr/bin/env bash
# Captures what the pipeline transcribes on a part of the corpus (examples/capture.rs) into
# tests/calls/SPLIT.tiny-en.jsonl, a call at a time, appending: an interrupted capture resumes
# where it stopped (a call already in the file is skipped). Redo the captures from scratch
# (rm the file) whenever transcription changes. Runs niced: the machine is shared.
#
# usage: [LIMIT=N] scripts/corpus/capture.sh dev|test|dev_readback|test_readback [model]
#   LIMIT=N: only the first N calls by file name (a capture can be extended later: it resumes)
set -euo pipefail
cd "$(dirname "$0")/../.."
split=${1:?usage: $0 dev|test [model]}
model=${2:-models/ggml-tiny.en.bin}
out=tests/calls/$split.tiny-en.jsonl
mkdir -p tests/calls
touch "$out"
# Build the example only when it is missing: a rebuild costs minutes on a shared machine, and
# a stale binary is the caller's call (cargo build --release --example capture to refresh it).
[ -x target/release/examples/capture ] || cargo build --release --example capture -q
done_names=$(python3 -c "import json,sys; [print(json.loads(l)['name']) for l in open(sys.argv[1]) if l.strip()]" "$out")
for f in $(python3 -c "import json,sys; print('\n'.join(sorted(json.load(open(sys.argv[1])))[:int(sys.argv[2])]))" "corpus/$split/truth.json" "${LIMIT:-100000}"); do
  grep -qxF "$f" <<<"$done_names" && continue
  line=$(nice -n 10 target/release/examples/capture "$model" "corpus/$split/$f")
  printf '%s\n' "$line" >>"$out"
done
echo "capture: $(wc -l <"$out") calls in $out" >&2
