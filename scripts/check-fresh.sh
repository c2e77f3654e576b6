#!/usr/bin/env bash
# Proves set-up from scratch, as a new machine would see it: removes the system packages that
# scripts/setup.sh installs, clones this repository (what is committed, nothing else) into a
# temporary folder, and runs the README's two commands there, ./scripts/demo.sh and then
# ./scripts/test.sh, with an empty cargo home and no pip cache, so crates, Python packages and
# the model are all fetched again.
#
# Needs root (apt-get). It changes this machine: the packages are removed, then reinstalled by
# setup.sh on the way, which is the point.
#   ./scripts/check-fresh.sh [--demo-only]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "check-fresh: run as root (it removes and reinstalls packages)" >&2; exit 2; }

# Everything setup.sh may install, and what apt pulled in with it. python3-venv and python3-pip
# are left alone when the machine's python3 is not Debian's (pyenv here).
pkgs=(cmake cmake-data libclang-dev libclang-14-dev libclang-common-14-dev libclang1-14
      espeak-ng espeak-ng-data libespeak-ng1 sox libsox3 libsox-fmt-all libsox-fmt-mp3 lame
      ffmpeg chromium chromium-common)
present=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && present+=("$p")
done
echo "check-fresh: removing ${present[*]:-nothing}" >&2
export DEBIAN_FRONTEND=noninteractive
if ((${#present[@]})); then
  apt-get purge -y -qq "${present[@]}" >/dev/null
  apt-get autoremove -y -qq >/dev/null
fi
for c in cmake espeak-ng sox lame ffmpeg chromium; do
  if command -v "$c" >/dev/null; then echo "check-fresh: $c is still installed" >&2; exit 1; fi
done
echo "check-fresh: the machine now has no cmake, libclang-dev, espeak-ng, sox, lame, ffmpeg or chromium" >&2

work=$(mktemp -d /tmp/callredact-fresh.XXXXXX)
git clone -q "$repo" "$work/callredact"
cd "$work/callredact"
echo "check-fresh: cloned $(git log -1 --format='%h %s') into $work/callredact" >&2
export CARGO_HOME="$work/cargo-home" PIP_NO_CACHE_DIR=1
mkdir -p "$CARGO_HOME"
unset CARGO_TARGET_DIR

start=$(date +%s)
./scripts/demo.sh
echo "check-fresh: ./scripts/demo.sh passed in $(( $(date +%s) - start )) s" >&2
if [ "${1:-}" != "--demo-only" ]; then
  start=$(date +%s)
  ./scripts/test.sh
  echo "check-fresh: ./scripts/test.sh passed in $(( $(date +%s) - start )) s" >&2
fi
echo "check-fresh: passed from a fresh clone in $work/callredact" >&2
