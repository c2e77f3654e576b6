#!/usr/bin/env bash
# The main job on the shipped samples: set up, build, redact samples/ into out/, score the result.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo build --release --locked
rm -rf out
set +e
./target/release/callredact run samples --out out --metrics-file out/metrics.prom
code=$?
set -e
echo
echo "== redacted audio, transcripts and audit under out/ (exit code $code)"
find out -maxdepth 2 -not -path '*/.callredact*' | sort | head -40
echo
echo "== scored against samples/truth.json (../shared/tools or tools/score_redaction.py)"
scorer=../shared/tools/score_redaction.py
[ -f "$scorer" ] || scorer=tools/score_redaction.py
PATH="$PWD/.venv/bin:$PATH" python "$scorer" --truth samples/truth.json --orig samples --out out
exit $code
