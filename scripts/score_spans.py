#!/usr/bin/env python3
"""Scores planned spans (from `cargo run --example replay`) against samples/truth.json the way
tools/score_redaction.py scores audio, on time intervals instead of decoded frames: a span is
recalled when 90% of it is muted (a decoy when half is), over-muting is the muted share of the
truth's other speech. Fast enough to run after every detection change; the audio scorer remains
the judge. Prints kinds and times only, never values.

usage: score_spans.py truth.json spans.json [--missed] [--captured-only]
  --captured-only: score only the truth entries the spans file has a case for (a partial
  capture of the corpus, tests/calls/*.jsonl), instead of counting the others as unmuted.
"""
import json
import sys
from collections import defaultdict


def muted_ms(spans, ch, t0, t1):
    """Milliseconds of [t0, t1) muted on channel ch (spans are disjoint)."""
    m = 0
    for s, e, chans, _ in spans:
        if ch in chans:
            m += max(0, min(e, t1) - max(s, t0))
    return m


def main():
    truth = json.load(open(sys.argv[1]))
    got = json.load(open(sys.argv[2]))
    show = "--missed" in sys.argv
    if "--captured-only" in sys.argv:
        truth = {n: r for n, r in truth.items() if n in got or "e2e_" + n in got}
        print(f"scoring the {len(truth)} calls that have a capture")
    per = defaultdict(lambda: [0, 0, 0.0])  # spans, recalled, muted share sum
    over_sp = over_mu = 0
    missed = []
    for name, rec in sorted(truth.items()):
        spans = got.get(name, got.get("e2e_" + name, {})).get("spans", [])
        for s in rec["spans"]:
            ch = s["channel"] or 0
            t0, t1 = int(s["start"] * 1000), int(s["end"] * 1000)
            frac = muted_ms(spans, ch, t0, t1) / max(1, t1 - t0)
            k = per[s["kind"]]
            k[0] += 1
            k[2] += frac
            ok = frac >= (0.5 if s["kind"] == "DECOY" else 0.9)
            k[1] += ok
            if s["kind"] != "DECOY" and not ok or s["kind"] == "DECOY" and ok:
                missed.append(f"{name} {s['kind']} ch{ch} {s['start']:.2f}-{s['end']:.2f} muted {frac:.0%}")
        for s in rec["speech"]:
            ch = s["channel"] or 0
            t0, t1 = int(s["start"] * 1000), int(s["end"] * 1000)
            over_sp += t1 - t0
            over_mu += muted_ms(spans, ch, t0, t1)
    sens = [k for k in per if k != "DECOY"]
    tot = sum(per[k][0] for k in sens)
    rec_ = sum(per[k][1] for k in sens)
    print(f"{'kind':12}{'spans':>6}{'recall':>8}{'muted':>8}")
    for k in sorted(per):
        n, r, m = per[k]
        print(f"{k:12}{n:6}{r / n:8.2f}{m / n:8.2f}")
    print(f"sensitive_recall {rec_ / tot:.3f} pan_recall {per['PAN'][1] / max(1, per['PAN'][0]):.3f} "
          f"over_mute {over_mu / max(1, over_sp):.4f} decoy_muted {per['DECOY'][1] / max(1, per['DECOY'][0]):.3f}")
    if show:
        print("\n".join(missed))


if __name__ == "__main__":
    main()
