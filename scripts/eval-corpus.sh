#!/usr/bin/env bash
# Redacts a part of the development corpus with the current build and prints the outside
# scorer's table (score_redaction.py). See corpus/README.md.
#
# usage: scripts/eval-corpus.sh dev|test|dev_readback|test_readback [extra callredact run flags...]
#   OUT=/tmp/callredact-eval-dev (default) holds the run; callredact skips the recordings it
#   has already redacted with the same input, model and policy, so an interrupted run resumes
#   and a second run after a code change needs --force (pass it as an extra flag).
#   JSON=path also writes the scorer's full result there.
#   LIMIT=N redacts and scores only the first N calls (by file name): a quick look, not the
#   part's figure.
# Runs niced: the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
split=${1:?usage: $0 dev|test [callredact flags]}
shift
[ -f "corpus/$split/truth.json" ] || { echo "eval-corpus: no corpus/$split; run scripts/make-corpus.sh $split" >&2; exit 2; }
bin=target/release/callredact
[ -x "$bin" ] || cargo build --release
out=${OUT:-/tmp/callredact-eval-$split}
# The shared scorer is the judge: ../shared beside a checkout, ../../shared beside a worktree
# under wt/; the repo's tools/ copy (older) only when neither exists.
scorer=tools/score_redaction.py
for s in ../shared/tools/score_redaction.py ../../shared/tools/score_redaction.py; do
  [ -f "$s" ] && { scorer=$s; break; }
done
echo "eval-corpus: scoring with $scorer" >&2
py=.venv/bin/python
[ -x "$py" ] || py=python3

truth=corpus/$split/truth.json
inputs=("corpus/$split")
if [ -n "${LIMIT:-}" ]; then
  # the first N calls' truth, and only their audio as inputs
  mkdir -p "$out"
  truth=$out.truth-first-$LIMIT.json
  mapfile -t inputs < <("$py" -c '
import json, sys
t = json.load(open(sys.argv[1]))
keep = sorted(t)[:int(sys.argv[2])]
json.dump({k: t[k] for k in keep}, open(sys.argv[3], "w"))
print("\n".join(sys.argv[4] + "/" + k for k in keep))
' "corpus/$split/truth.json" "$LIMIT" "$truth" "corpus/$split")
fi
# callredact ignores what is not audio (truth.json, calls.jsonl) in the folder.
nice -n 10 "$bin" run "${inputs[@]}" --out "$out" --no-progress "$@"
# The scorer finds each output by its file stem anywhere under --out, whatever the layout.
nice -n 10 "$py" "$scorer" --truth "$truth" --orig "corpus/$split" --out "$out" \
  ${JSON:+--json "$JSON"}
