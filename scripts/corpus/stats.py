#!/usr/bin/env python3
"""Prints what a part of the corpus holds (markdown): calls, minutes, spans per kind, formats,
voices, features. For corpus/README.md. usage: stats.py corpus/dev [corpus/test ...]"""
import json
import os
import sys
from collections import Counter

KINDS = ["PAN", "CVV", "EXPIRY", "SORT_CODE", "ACCOUNT", "DOB", "NAME", "ADDRESS", "POSTCODE",
         "PHONE", "EMAIL", "NINO", "DECOY"]


def main():
    rows = []
    for d in sys.argv[1:]:
        truth = json.load(open(os.path.join(d, "truth.json")))
        calls = [json.loads(line) for line in open(os.path.join(d, "calls.jsonl"))]
        kinds = Counter(s["kind"] for r in truth.values() for s in r["spans"])
        none = sum(1 for r in truth.values() if all(s["kind"] == "DECOY" for s in r["spans"]))
        fmts = Counter(f"{c['format']} {c['rate'] // 1000}k" for c in calls)
        chans = Counter(c["channels"] for c in calls)
        agent = Counter(c["agent_voice"]["backend"] for c in calls)
        cust = Counter(c["customer_voice"]["backend"] for c in calls)
        espeak = Counter(v["name"] for c in calls for v in (c["agent_voice"], c["customer_voice"],
                                                            c["customer_voice"].get("fallback") or {})
                         if v.get("backend") == "espeak")
        feats = Counter(f.split(":")[0] if not f.startswith("decoy") else f for c in calls for f in c["features"])
        line = Counter("companded " + c["line"]["compand"] for c in calls if c["line"]["compand"])
        line.update("narrowband" for c in calls if c["line"]["narrowband"])
        line.update("no noise floor" for c in calls if c["line"]["noise_dbfs"] is None)
        speech = sum(len(r["speech"]) for r in truth.values())
        rec = sum(1 for r in truth.values() for s in r["speech"] if s.get("source") == "recorded")
        mins = sum(c["duration_s"] for c in calls) / 60
        print(f"### {os.path.basename(d.rstrip('/'))}: {len(calls)} calls, {mins:.1f} min\n")
        print("spans: " + ", ".join(f"{k} {kinds[k]}" for k in KINDS) + f"; {speech} speech chunks "
              f"({rec} from the real recording); {none} calls with no sensitive value\n")
        print("formats: " + ", ".join(f"{k} {v}" for k, v in sorted(fmts.items()))
              + f"; mono {chans[1]}, stereo {chans[2]}\n")
        print(f"agent voices: {dict(agent)}; customer voices: {dict(cust)}\n")
        print("espeak-ng voices: " + ", ".join(f"{k} {v}" for k, v in sorted(espeak.items())) + "\n")
        print("line: " + ", ".join(f"{k} {v}" for k, v in sorted(line.items())) + "\n")
        print("features: " + ", ".join(f"{k} {v}" for k, v in sorted(feats.items())) + "\n")
        rows.append((d, len(calls), mins))


if __name__ == "__main__":
    main()
