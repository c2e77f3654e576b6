#!/usr/bin/env python3
"""Generates the development corpus: corpus/dev/ and corpus/test/, synthetic calls with their
ground truth (truth.json, in tools/score_redaction.py's format). See corpus/README.md.

The two parts are a fixed split: each has its own seed and its own phrase bank (phrases.py; no
template is shared), so detection tuned on dev can be measured on test.

Each call: a script (compose.py), voices and a line (this file), every chunk synthesised on its
own (synth.py) and laid on the timeline with silences of known length, so every span's start and
end is known to the sample, as in scripts/make_samples.py. Deterministic: all randomness comes
from random.Random / numpy generators seeded from the part's seed and the call's index.

usage: make_corpus.py --split dev|test [--out corpus] [--cache corpus/.cache] [--piper-python P]
       [--clips-wav W --clips-stm S] [--count N] [--only STEM...]
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compose as C  # noqa: E402
import phrases  # noqa: E402
import synth as S  # noqa: E402
import values as V  # noqa: E402

SPLITS = {"dev": {"seed": 1401, "count": 110}, "test": {"seed": 2802, "count": 90},
          # Card payments in which the agent always reads the card back. dev and test hold only
          # two such calls each (a read-back is drawn for a fifth of the values, and most are
          # not cards), too few to tell a rule that mutes a garbled read-back from one that fits
          # four calls. Each borrows its part's phrase bank and recorded speaker, so
          # dev_readback is tuned on and test_readback is not.
          "dev_readback": {"seed": 4203, "count": 24, "bank": "dev",
                           "scenarios": ["card_payment", "card_payment_email"], "readback": ["PAN"]},
          "test_readback": {"seed": 5604, "count": 24, "bank": "test",
                            "scenarios": ["card_payment", "card_payment_email"], "readback": ["PAN"]}}
# espeak-ng voices Whisper tiny.en can follow at 8 kHz (the Scottish and Caribbean ones lose
# too many words to measure detection; they are used for a few small calls only)
ESPEAK = ["en+f3", "en+m3", "en-us+f2", "en-us+m1", "en-gb-x-rp", "en+f4", "en-us+m3", "en+m7",
          "en-gb-x-rp+f2", "en+f2", "en-us+f4", "en-gb-x-gbclan", "en+m2", "en-us-nyc"]
RARE_ESPEAK = ["en-gb-scotland", "en-029", "en-gb-x-gbcwmd"]
# (format, sample rate, share). The scorer needs a rate divisible by 100 (10 ms frames); MP3 at
# 8 and 16 kHz decodes to the same length in sox and in callredact (checked on a 7 s cut).
FORMATS = [("wav16", 8000, 30), ("ulaw", 8000, 13), ("alaw", 8000, 13), ("wav16", 16000, 12),
           ("flac", 8000, 12), ("mp3", 8000, 5), ("mp3", 16000, 5), ("ogg", 8000, 10)]
EXT = {"wav16": ".wav", "ulaw": ".wav", "alaw": ".wav", "flac": ".flac", "mp3": ".mp3", "ogg": ".ogg"}


def weighted(rng, items):
    total = sum(i[-1] for i in items)
    x = rng.uniform(0, total)
    for it in items:
        x -= it[-1]
        if x <= 0:
            return it
    return items[-1]


def espeak_voice(rng, rare=False):
    name = rng.choice(RARE_ESPEAK if rare else ESPEAK)
    return {"backend": "espeak", "name": name, "wpm": rng.randint(150, 195), "pitch": rng.randint(30, 70)}


def pick_voices(rng, has_piper, has_allison):
    """Agent and customer voices, and how each speaks values (rate changes for digits)."""
    r = rng.random()
    agent = ({"backend": "piper", "length_scale": round(rng.uniform(0.85, 1.15), 2)}
             if has_piper and r < 0.3 else espeak_voice(rng))
    r = rng.random()
    if has_allison and r < 0.3:
        customer = {"backend": "allison", "gap": round(rng.uniform(0.05, 0.16), 3),
                    "fallback": espeak_voice(rng)}
    elif has_piper and r < 0.5 and agent["backend"] != "piper":
        customer = {"backend": "piper", "length_scale": round(rng.uniform(0.9, 1.25), 2)}
    else:
        customer = espeak_voice(rng, rare=rng.random() < 0.05)
    return agent, customer


def value_voice(voice, rng):
    """Callers slow down (or rush) when reading digits: a per-call rate change for values."""
    v = dict(voice)
    f = rng.choice([0.9, 1.0, 1.0, 1.1, 1.2])
    if v["backend"] == "espeak":
        v["wpm"] = int(v["wpm"] * f)
    elif v["backend"] == "piper":
        v["length_scale"] = round(v["length_scale"] / f, 2)
    elif v["backend"] == "allison":
        v["gap"] = round(v["gap"] / f, 3)
    return v


def plan_call(split, seed, idx, scenario, has_piper, has_allison, clips):
    part = SPLITS[split]
    rng = random.Random(f"{split}:{seed}:{idx}")
    fmt, rate, _ = weighted(rng, FORMATS)
    stereo = rng.random() < 0.55
    agent, customer = pick_voices(rng, has_piper, has_allison)
    line = {
        "format": fmt, "rate": rate, "stereo": stereo,
        # 8 kHz calls are always telephone band; half the 16 kHz ones are phone audio upsampled
        "narrowband": rate == 8000 or rng.random() < 0.5,
        "noise_dbfs": None if rng.random() < 0.1 else rng.randint(-72, -58),
        "compand": rng.choice(["u-law", "a-law"]) if fmt in ("wav16", "flac") and rng.random() < 0.35 else None,
        "agent_level": rng.randint(-6, -2), "customer_level": rng.randint(-18, -4),
        "customer_tempo": round(rng.uniform(0.9, 1.12), 3) if customer["backend"] == "allison" else 1.0,
    }
    turns, vals, features = C.compose(rng, phrases.BANKS[part.get("bank", split)], scenario,
                                      customer["backend"] == "allison", clips,
                                      read_back=part.get("readback", ()))
    stem = f"{split}_{idx:03d}_{scenario}"
    return {"stem": stem, "file": stem + EXT[fmt], "scenario": scenario, "line": line,
            "agent": agent, "customer": customer, "agent_values": value_voice(agent, rng),
            "customer_values": value_voice(customer, rng), "turns": turns,
            "features": features, "seed": f"{split}:{seed}:{idx}"}


def lay_out(call, syn):
    """Synthesise every chunk and place it; returns channels, spans and speech (times in s)."""
    line, rate = call["line"], call["line"]["rate"]
    rng = random.Random(call["seed"] + ":timing")
    nb = line["narrowband"]
    pieces, spans, speech = [], [], []
    t = int(rng.uniform(0.4, 0.9) * rate)
    for ti, (who, items) in enumerate(call["turns"]):
        if ti:
            t += int(rng.uniform(0.25, 0.75) * rate)
        ch = (0 if who == C.AGENT else 1) if line["stereo"] else None
        level = line["agent_level"] if who == C.AGENT else line["customer_level"]
        tempo = line["customer_tempo"] if who == C.CUSTOMER else 1.0
        first = True
        for it in items:
            if isinstance(it, float):
                t += int(it * rate)
                continue
            if not first:
                t += int(rng.uniform(0.12, 0.35) * rate)
            first = False
            start = t
            if isinstance(it, str):
                voice = call[who]
                if voice["backend"] == "allison":
                    voice = voice["fallback"]
                a = syn.chunk(voice, it, rate, nb, level, tempo)
                pieces.append((ch, t, a)); t += len(a)
                speech.append({"channel": ch, "start": start, "end": t, "speaker": who, "text": it})
            elif it[0] == "CLIP":
                clip = it[1]
                voice = {"backend": "clip", "file": clip["file"], "start": clip["start"], "end": clip["end"]}
                a = syn.chunk(voice, clip["text"], rate, nb, level)
                pieces.append((ch, t, a)); t += len(a)
                speech.append({"channel": ch, "start": start, "end": t, "speaker": who,
                               "text": clip["text"], "source": "recorded"})
            else:
                kind, value, words = it
                voice = call[who + "_values"]
                for gi, g in enumerate(V.groups(words)):
                    if gi:
                        t += int(rng.uniform(0.3, 0.7) * rate)
                    a = syn.chunk(voice, g, rate, nb, level, tempo)
                    pieces.append((ch, t, a)); t += len(a)
                spans.append({"channel": ch, "start": start, "end": t, "kind": kind, "value": value,
                              "speaker": who, "text": V.words_to_text(words)})
    total = t + int(rng.uniform(0.6, 1.0) * rate)
    nch = 2 if line["stereo"] else 1
    x = np.zeros((total, nch), np.float64)
    if line["noise_dbfs"] is not None:  # a faint noise floor: a real line is never digital zero
        nrng = np.random.default_rng(int(hashlib.sha256(call["seed"].encode()).hexdigest()[:12], 16))
        x += nrng.normal(0, 32768 * 10 ** (line["noise_dbfs"] / 20), x.shape)
    for ch, start, a in pieces:
        x[start:start + len(a), ch or 0] += a
    chans = np.clip(np.round(x), -32768, 32767).astype("<i2")
    for rec in spans + speech:
        rec["start"] = round(rec["start"] / rate, 4)
        rec["end"] = round(rec["end"] / rate, 4)
    return chans, spans, speech


def peak_db(chans, rate, ch, start, end):
    hop = rate // 100
    seg = chans[int(start * rate):int(end * rate), ch or 0].astype(np.float64)
    n = len(seg) // hop
    if not n:
        return -200.0
    f = seg[:n * hop].reshape(n, hop)
    return float(10 * np.log10(np.max(np.mean(f ** 2, axis=1)) / 32768 ** 2 + 1e-12))


def write_master(path, chans, rate):
    import wave
    with wave.open(path, "wb") as w:
        w.setnchannels(chans.shape[1]); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(chans.tobytes())


def encode(call, master, out, tmp):
    line = call["line"]
    src = master
    if line["compand"]:  # a G.711 hop earlier in the line, stored as linear PCM
        g = os.path.join(tmp, call["stem"] + "_g711.wav")
        S.run(["sox", "-R", "-D", "-V1", master, "-e", line["compand"], "-b", "8", g])
        src = os.path.join(tmp, call["stem"] + "_companded.wav")
        S.run(["sox", "-R", "-D", "-V1", g, "-e", "signed-integer", "-b", "16", src])
    base = ["sox", "-R", "-D", "-V1", src]
    fmt = line["format"]
    if fmt == "wav16":
        shutil.copyfile(src, out)
    elif fmt in ("ulaw", "alaw"):
        S.run(base + ["-e", "u-law" if fmt == "ulaw" else "a-law", "-b", "8", out])
    elif fmt == "flac":
        S.run(base + ["-C", "8", out])
    elif fmt == "mp3":
        S.run(base + ["-C", "32", out])
    elif fmt == "ogg":
        S.run(base + ["-C", "3", out])


def decoder_lag(master, out, rate, hint, ch):
    """Samples by which sox's decoder shifts a lossy file (libmad keeps the MP3 encoder delay),
    by cross-correlating a window around the first chunk's onset."""
    raw = S.run(["sox", "-V1", out, "-t", "raw", "-e", "signed-integer", "-b", "16", "-", "remix", str(ch + 1)])
    dec = np.frombuffer(raw, "<i2").astype(np.float64)
    src, _ = S.read_wav(master)
    src = src.astype(np.float64)
    w0, wl = max(0, hint - rate // 20), rate // 5
    ref = src[w0:w0 + wl]
    scores = [float(np.dot(ref, dec[w0 + lag:w0 + lag + wl])) if w0 + lag + wl <= len(dec) else -1e30
              for lag in range(0, 3000)]
    return int(np.argmax(scores))


def build(call, syn, out_dir, tmp):
    rate = call["line"]["rate"]
    chans, spans, speech = lay_out(call, syn)
    for s in spans + speech:
        db = peak_db(chans, rate, s["channel"], s["start"], s["end"])
        if db < -40:
            sys.exit(f"corpus: {call['stem']} chunk {s.get('text')!r} is too quiet ({db:.1f} dBFS)")
    master = os.path.join(tmp, call["stem"] + "_master.wav")
    write_master(master, chans, rate)
    out = os.path.join(out_dir, call["file"])
    encode(call, master, out, tmp)
    if call["line"]["format"] in ("mp3", "ogg"):
        first = min(int(s["start"] * rate) for s in speech)
        # correlate on the channel that speaks first (sox mixes a stereo file down for this)
        ch = min(speech, key=lambda s: s["start"])["channel"] or 0
        mono = os.path.join(tmp, call["stem"] + "_mono.wav")
        S.write_wav(mono, chans[:, ch], rate)
        lag = decoder_lag(mono, out, rate, first, ch)
        for s in spans + speech:
            s["start"] = round(s["start"] + lag / rate, 4); s["end"] = round(s["end"] + lag / rate, 4)
        call["decoder_lag_samples"] = lag
    for name in os.listdir(tmp):
        if name.startswith(call["stem"] + "_"):
            os.remove(os.path.join(tmp, name))
    spans.sort(key=lambda s: (s["start"], s["channel"] or 0))
    speech.sort(key=lambda s: (s["start"], s["channel"] or 0))
    return {"spans": spans, "speech": speech}, len(chans) / rate


def describe(call, duration):
    """One line per call for calls.jsonl: what it is made of (no audio, no values)."""
    return {"file": call["file"], "scenario": call["scenario"], "duration_s": round(duration, 2),
            "format": call["line"]["format"], "rate": call["line"]["rate"],
            "channels": 2 if call["line"]["stereo"] else 1, "line": call["line"],
            "agent_voice": call["agent"], "customer_voice": call["customer"],
            "features": call["features"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", required=True, choices=SPLITS)
    ap.add_argument("--out", default="corpus")
    ap.add_argument("--cache", default="corpus/.cache/chunks")
    ap.add_argument("--piper-python")
    ap.add_argument("--clips-wav"); ap.add_argument("--clips-stm")
    ap.add_argument("--count", type=int)
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    bad = phrases.check_disjoint() + phrases.check_counts()
    if bad:
        sys.exit("corpus: phrase banks are not disjoint or too small:\n  " + "\n  ".join(bad))
    split = a.split
    seed, count = SPLITS[split]["seed"], a.count or SPLITS[split]["count"]
    has_allison = os.path.isdir(S.ALLISON)
    # The recorded conversation's speakers are split too: one speaker's lines for dev, the
    # other's for test.
    clips = []
    if a.clips_wav and a.clips_stm:
        all_clips = S.load_clips(a.clips_wav, a.clips_stm)
        speakers = sorted({c["speaker"] for c in all_clips})
        mine = speakers[0] if SPLITS[split].get("bank", split) == "dev" else speakers[-1]
        clips = [dict(c, file=a.clips_wav) for c in all_clips if c["speaker"] == mine]
    out_dir = os.path.join(a.out, split)
    os.makedirs(out_dir, exist_ok=True)
    sched_rng = random.Random(f"{split}:{seed}:schedule")
    schedule = []
    while len(schedule) < count:
        block = list(C.SCHEDULE if "scenarios" not in SPLITS[split] else SPLITS[split]["scenarios"])
        sched_rng.shuffle(block)
        schedule += block
    tmp = tempfile.mkdtemp(prefix="corpus.")
    syn = S.Synth(a.cache, tmp, a.piper_python)
    truth, calls = {}, []
    try:
        for idx in range(count):
            call = plan_call(split, seed, idx, schedule[idx], bool(a.piper_python), has_allison, clips)
            if a.only and call["stem"] not in a.only:
                continue
            rec, dur = build(call, syn, out_dir, tmp)
            truth[call["file"]] = rec
            calls.append(describe(call, dur))
            print(f"  {call['file']}: {dur:.1f} s, {len(rec['spans'])} spans, "
                  f"{len(rec['speech'])} speech", file=sys.stderr)
    finally:
        syn.close()
        shutil.rmtree(tmp, ignore_errors=True)
    with open(os.path.join(out_dir, "truth.json"), "w") as fh:
        json.dump(truth, fh, indent=1, sort_keys=True); fh.write("\n")
    with open(os.path.join(out_dir, "calls.jsonl"), "w") as fh:
        for c in calls:
            fh.write(json.dumps(c, sort_keys=True) + "\n")
    kinds = Counter(s["kind"] for r in truth.values() for s in r["spans"])
    dur = sum(c["duration_s"] for c in calls)
    print(f"corpus {split}: {len(calls)} calls, {dur / 60:.1f} min, spans "
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
          + f"; synthesised {syn.stats}", file=sys.stderr)


if __name__ == "__main__":
    main()
