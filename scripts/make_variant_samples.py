#!/usr/bin/env python3
"""A held-out-style variant of samples/: the same call scripts and truth, spoken by other
espeak-ng voices at other speeds and pitches, so that detection tuned on samples/ can be
checked on calls it was not tuned on. The voices are shuffled between calls and sides; rates
scale by x0.85 to x1.3. Nothing is committed: write it to a scratch folder and score it.

    python3 scripts/make_variant_samples.py --out /tmp/variant [--seed 7]
    ./target/release/callredact run /tmp/variant --out /tmp/variant-out
    .venv/bin/python tools/score_redaction.py --truth /tmp/variant/truth.json \\
        --orig /tmp/variant --out /tmp/variant-out
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_samples as ms  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    voices = [c["agent"][0] for c in ms.CALLS] + [c["customer"][0] for c in ms.CALLS]
    rng.shuffle(voices)
    for i, c in enumerate(ms.CALLS):
        agent, customer = c["agent"], c["customer"]
        c["agent"] = (voices[2 * i], int(agent[1] * rng.choice([0.85, 1.15, 1.25])), rng.randint(30, 70), agent[3])
        c["customer"] = (voices[2 * i + 1], int(customer[1] * rng.choice([0.85, 1.15, 1.3])), rng.randint(30, 70), customer[3])
    sys.argv = ["make_samples", "--out", a.out]
    ms.main()


if __name__ == "__main__":
    main()
