#!/usr/bin/env bash
# Kill soak: SIGKILL the real binary at random moments across runs over a folder (default
# samples/), rerunning after each kill, until KILLS kills have landed mid-run, then finish
# with an uninterrupted run. After every kill
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

# The end-of-batch checks: every recording redacted exactly once, every audit row unique, no
# temp file, pending marker or receipt left (the lock files stay: they are what runs flock).
check() {
"$py" - "$out" "$input" "$1" <<'EOF'
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
state = os.path.join(out, ".callredact")
left = [os.path.relpath(p, state) for p in glob.glob(os.path.join(state, "**/*"), recursive=True)
        if os.path.isfile(p)
        and os.path.relpath(p, state).split(os.sep)[0] in ("tmp", "pending", "receipts")]
assert not left, f"left behind: {left}"
assert code == 0, f"the batch's last run exited {code}"
print(f"kill-soak: batch done: every one of {len(want)} recordings redacted exactly once, "
      f"{len(ids)} unique rows, no temp files, pending markers or receipts left")
EOF
}

# Kill until KILLS kills have landed while a run was working. A run that finishes before its
# kill ends a batch: the batch is checked, and the next run starts a new one from nothing, so
# the kills after it still have work to interrupt.
RANDOM=4242  # the same kill moments every time
landed=0; tries=0; batches=0
while [ "$landed" -lt "$kills" ] && [ "$tries" -lt $((kills * 4)) ]; do
  tries=$((tries + 1))
  delay=$(awk -v w="$whole" -v r="$((RANDOM % 1000))" 'BEGIN {printf "%.3f", w * r / 1000}')
  "$bin" run "$input" --out "$out" --no-progress "$@" >/dev/null 2>"$work/err" &
  pid=$!
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then
    landed=$((landed + 1))
    wait "$pid" 2>/dev/null || true
    scan || exit 1
    echo "kill $landed after ${delay}s: no card bytes under --out"
  else
    set +e; wait "$pid"; code=$?; set -e
    scan || exit 1
    check "$code" || exit 1
    batches=$((batches + 1))
    rm -rf "$out"
  fi
done
echo "kill-soak: $landed kills landed mid-run in $tries runs; $batches batches finished between them"
[ "$landed" -ge "$kills" ] || { echo "kill-soak: only $landed of $kills kills landed" >&2; exit 1; }

set +e
"$bin" run "$input" --out "$out" --no-progress "$@" > "$work/final" 2>&1
code=$?
set -e
tail -1 "$work/final"
scan || exit 1
check "$code"
