#!/usr/bin/env python3
"""The faster-whisper side of scripts/bench-peer.sh, and its stopwatch.

  prepare SRC DEST            decode every recording under SRC to 16 kHz mono WAVs in DEST, one
                              per channel (callredact transcribes each channel of a stereo call
                              on its own), and write DEST/manifest.json; needs faster-whisper's PyAV
  transcribe MANIFEST MODEL   transcribe those WAVs with faster-whisper and print one JSON line:
                              the time of transcription alone (model load and WAV reading excluded)
  measure -- CMD...           run CMD and print one JSON line: its wall time, user and system
                              seconds and peak RSS, from the kernel's accounting (os.wait4)
  report DIR                  the table of the rounds saved in DIR by bench-peer.sh

Only the standard library is needed except by prepare and transcribe, which run in the peer's
virtualenv.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import wave
from pathlib import Path

RATE = 16000


def audio_files(root):
    """Every file under root that PyAV can open as audio, in a stable order. callredact also
    picks its inputs by probing rather than by name, so text files beside the calls are skipped
    by both."""
    import av

    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath, name)
            try:
                with av.open(str(path), metadata_errors="ignore") as c:
                    if not c.streams.audio:
                        continue
                    channels = c.streams.audio[0].channels
            except (av.error.FFmpegError, UnicodeDecodeError):
                continue
            found.append((path, channels))
    return found


def write_wav(path, samples):
    import numpy as np

    pcm = (np.clip(samples, -1.0, 32767 / 32768) * 32768).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def read_wav(path):
    import numpy as np

    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE), path
        raw = w.readframes(w.getnframes())
    return np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0


def cmd_prepare(args):
    # faster-whisper's own decoder (PyAV, resampled to 16 kHz s16), the path it takes when given
    # a file name, so the peer hears what it would hear from the originals.
    from faster_whisper.audio import decode_audio

    dest = Path(args.dest)
    dest.mkdir(parents=True, exist_ok=True)
    calls = []
    for n, (path, channels) in enumerate(audio_files(args.src)):
        if channels == 1:
            parts = [decode_audio(str(path), sampling_rate=RATE)]
        elif channels == 2:
            parts = list(decode_audio(str(path), sampling_rate=RATE, split_stereo=True))
        else:
            sys.exit(f"peer_transcribe: {path}: {channels} channels; only mono and stereo are split")
        wavs = []
        for ch, samples in enumerate(parts):
            wav = dest / f"{n:04d}-ch{ch}.wav"
            write_wav(wav, samples)
            wavs.append(str(wav))
        calls.append({"source": str(path), "duration_s": len(parts[0]) / RATE, "channels": wavs})
    if not calls:
        sys.exit(f"peer_transcribe: no audio files under {args.src}")
    manifest = {"calls": calls, "audio_s": sum(c["duration_s"] for c in calls)}
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=1))
    n_ch = sum(len(c["channels"]) for c in calls)
    print(f"peer: {len(calls)} recordings, {n_ch} channels, {manifest['audio_s']:.1f} s of audio",
          file=sys.stderr)


def cmd_transcribe(args):
    from concurrent.futures import ThreadPoolExecutor

    from faster_whisper import WhisperModel

    manifest = json.loads(Path(args.manifest).read_text())
    workers = max(1, args.workers)
    # Each of `workers` concurrent transcriptions gets its share of the cores, so the total is
    # the core count callredact was given.
    model = WhisperModel(args.model_dir, device="cpu", compute_type="int8",
                         cpu_threads=max(1, args.threads // workers), num_workers=workers)
    audio = [read_wav(w) for c in manifest["calls"] for w in c["channels"]]

    def one(samples):
        segments, _ = model.transcribe(samples, language="en", beam_size=1, word_timestamps=True,
                                       vad_filter=args.vad)
        # transcribe() is lazy: the work happens as the segments are read.
        segs = list(segments)
        return len(segs), sum(len(s.words or []) for s in segs)

    before, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    if workers == 1:
        counts = [one(a) for a in audio]
    else:
        with ThreadPoolExecutor(workers) as pool:
            counts = list(pool.map(one, audio))
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "wall_s": wall,
        "user_s": after.ru_utime - before.ru_utime,
        "sys_s": after.ru_stime - before.ru_stime,
        "peak_rss_kb": after.ru_maxrss,
        "segments": sum(c[0] for c in counts),
        "words": sum(c[1] for c in counts),
        "channels": len(audio),
        "audio_s": manifest["audio_s"],
    }))


def cmd_measure(args):
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        sys.exit("peer_transcribe measure: no command")
    log = open(args.log, "wb") if args.log else subprocess.DEVNULL
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    # wait4 gives this child's own accounting: its threads' user and system time, its peak RSS.
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    print(json.dumps({
        "wall_s": wall,
        "user_s": ru.ru_utime,
        "sys_s": ru.ru_stime,
        "peak_rss_kb": ru.ru_maxrss,
        "exit": os.waitstatus_to_exitcode(status),
    }))


def cmd_report(args):
    d = Path(args.dir)
    audio_s = json.loads((d / "peer-audio" / "manifest.json").read_text())["audio_s"]
    tools = [("callredact", "callredact"), ("faster-whisper", "peer")]
    rounds = {}
    for _, key in tools:
        files = sorted(d.glob(f"{key}-*.json"), key=lambda p: int(p.stem.split("-")[1]))
        rounds[key] = [json.loads(p.read_text()) for p in files]
    n = min(len(r) for r in rounds.values())
    print(f"{n} rounds over {audio_s:.1f} s of audio ({args.label})")
    med = {}
    for name, key in tools:
        rs = rounds[key][:n]
        walls = [r["wall_s"] for r in rs]
        cpu = [(r["user_s"] + r["sys_s"]) / audio_s for r in rs]
        rss = [r["peak_rss_kb"] / 1024 for r in rs]
        med[key] = statistics.median(walls)
        print(f"{name}:")
        for i, (w, c) in enumerate(zip(walls, cpu), 1):
            print(f"  round {i}: wall {w:.2f} s, CPU {c:.3f} s per audio s")
        extra = f", {rs[0]['words']} words" if "words" in rs[0] else ""
        print(f"  median wall {med[key]:.2f} s ({audio_s / med[key]:.1f}x real time), "
              f"median CPU {statistics.median(cpu):.3f} s per audio s (user+sys), "
              f"peak RSS {max(rss):.0f} MiB{extra}")
    # Round by round, so a drift in the machine's speed during the run cancels out.
    paired = [p["wall_s"] / c["wall_s"] for c, p in zip(rounds["callredact"][:n], rounds["peer"][:n])]
    print(f"throughput ratio callredact / faster-whisper (peer wall / callredact wall): "
          f"median of rounds {statistics.median(paired):.2f}, "
          f"ratio of medians {med['peer'] / med['callredact']:.2f} (>1: callredact is faster)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("prepare")
    s.add_argument("src")
    s.add_argument("dest")
    s.set_defaults(func=cmd_prepare)
    s = sub.add_parser("transcribe")
    s.add_argument("manifest")
    s.add_argument("model_dir")
    s.add_argument("--threads", type=int, required=True, help="cores in all")
    s.add_argument("--workers", type=int, default=1, help="channels transcribed at once")
    s.add_argument("--vad", action="store_true", help="faster-whisper's vad_filter")
    s.set_defaults(func=cmd_transcribe)
    s = sub.add_parser("measure")
    s.add_argument("--log", help="file for the command's stdout and stderr")
    s.add_argument("cmd", nargs=argparse.REMAINDER)
    s.set_defaults(func=cmd_measure)
    s = sub.add_parser("report")
    s.add_argument("dir")
    s.add_argument("--label", default="")
    s.set_defaults(func=cmd_report)
    args = p.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
