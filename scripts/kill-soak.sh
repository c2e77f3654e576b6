#!/usr/bin/env bash
# Kill soak: SIGKILL the real binary at random moments across runs over a folder (default
# samples/), rerunning after each kill, then finish with an uninterrupted run. After every kill
# it scans everything under --out, dotfiles and staging included, for the original bytes of
# each card-number span (from truth.json); at the end it checks that every recording is
# redacted exactly once, every audit row is unique, and no temp file, pending marker or receipt
# is left. A benchmark-style script, not a timed test: it prints what it did and exits non-zero
# on the first failed check.
#   ./scripts/kill-soak.sh [kills] [input folder] [extra run flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-20}; input=${2:-samples}; shift 2 || shift $# || true
bin=./target/release/callredact
[ -x "$bin" ] || cargo build --release --locked
py=.venv/bin/python; [ -x "$py" ] || py=python3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
out="$work/out"

# The original bytes in the middle of every card-number span of every WAV input: if any of
# them is found under --out, an unmuted card window reached the disk.
"$py" - "$input" > "$work/needles" <<'EOF'
import json, os, struct, sys
d = sys.argv[1]
truth = json.load(open(os.path.join(d, "truth.json")))
for name, rec in truth.items():
    if not name.lower().endswith(".wav"):
        continue
    b = open(os.path.join(d, name), "rb").read()
    pos, fmt, data = 12, None, None
    while pos + 8 <= len(b):
        cid, size = b[pos:pos + 4], struct.unpack("<I", b[pos + 4:pos + 8])[0]
        if cid == b"fmt ":
            ch, rate = struct.unpack("<HI", b[pos + 10:pos + 16])
            align = struct.unpack("<H", b[pos + 20:pos + 22])[0]
            fmt = (ch, rate, align)
        if cid == b"data":
            data = pos + 8
            break
        pos += 8 + size + (size & 1)
    ch, rate, align = fmt
    for s in rec["spans"]:
        if s["kind"] not in ("PAN", "CVV"):
            continue
        mid = (s["start"] + s["end"]) / 2
        at = data + int(mid * rate) * align
        print(name, b[at:at + 48].hex())
EOF
echo "kill-soak: $(wc -l < "$work/needles") card windows to watch for, $kills kills over $input"

scan() {
  "$py" - "$out" "$work/needles" <<'EOF'
import os, sys
out, needles = sys.argv[1], [l.split() for l in open(sys.argv[2])]
needles = [(n, bytes.fromhex(h)) for n, h in needles]
for root, _, files in os.walk(out):
    for f in files:
        p = os.path.join(root, f)
        try:
            b = open(p, "rb").read()
        except OSError:
            continue
        for name, n in needles:
            if n in b:
                print(f"LEAK: card bytes of {name} in {os.path.relpath(p, out)}")
                sys.exit(1)
EOF
}

# One uninterrupted run elsewhere, to spread the kills over a run's length.
start=$(date +%s.%N)
"$bin" run "$input" --out "$work/timing" --no-progress "$@" >/dev/null 2>&1 || true
whole=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.3f", b - a}')
echo "kill-soak: an uninterrupted run takes ${whole}s"

RANDOM=4242  # the same kill moments every time
landed=0
for i in $(seq "$kills"); do
  delay=$(awk -v w="$whole" -v r="$((RANDOM % 1000))" 'BEGIN {printf "%.3f", w * r / 1000}')
  "$bin" run "$input" --out "$out" --no-progress "$@" >/dev/null 2>"$work/err" &
  pid=$!
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then landed=$((landed + 1)); fi
  wait "$pid" 2>/dev/null || true
  scan || exit 1
  echo "kill $i after ${delay}s: no card bytes under --out"
done
echo "kill-soak: $landed of $kills kills landed while the run was going"

set +e
"$bin" run "$input" --out "$out" --no-progress "$@" > "$work/final" 2>&1
code=$?
set -e
tail -1 "$work/final"
scan || exit 1
"$py" - "$out" "$input" "$code" <<'EOF'
import glob, json, os, sys
import pyarrow.dataset as ds
out, inp, code = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = ds.dataset(os.path.join(out, "audit/files"), format="parquet").to_table().to_pylist()
ids = [r["file_id"] for r in t]
assert len(ids) == len(set(ids)), "an audit row is doubled"
red = {}
for r in t:
    if r["status"] == "redacted":
        red[r["input_path"]] = red.get(r["input_path"], 0) + 1
truth = json.load(open(os.path.join(inp, "truth.json")))
want = {f"{os.path.basename(os.path.abspath(inp))}/{n}" for n in truth}
assert set(red) == want, f"not redacted: {sorted(want - set(red))}"
twice = {k: v for k, v in red.items() if v != 1}
assert not twice, f"redacted more than once: {twice}"
left = [p for p in glob.glob(os.path.join(out, ".callredact/**/*"), recursive=True)
        if os.path.isfile(p) and any(k in p for k in ("/tmp/", "/pending/", "/receipts/"))]
assert not left, f"left behind: {left}"
assert code == 0, f"final run exited {code}"
print(f"kill-soak: every one of {len(want)} recordings redacted exactly once, {len(ids)} unique rows, "
      "no temp files, pending markers or receipts left")
EOF
