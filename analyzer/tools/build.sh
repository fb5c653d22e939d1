#!/usr/bin/env bash
# Installs what nodescope needs to build (Debian packages; the pinned tree-sitter npm tarballs are
# fetched and checksum-verified by CMake itself), then configures and builds a Release tree.
# Idempotent: packages already present are not reinstalled and an existing build tree is reused.
# Usage: analyzer/tools/build.sh [BUILD_DIR] [extra cmake -D options...]   (default BUILD_DIR: build)
# Does not run tests (tests/run.sh does) and never touches anything outside the repo except the
# apt packages and the npm tarball cache (~/.cache/nodescope/npm).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build_dir="${1:-build}"
shift || true

packages=(cmake ninja-build g++ pkg-config ccache libtbb-dev libre2-dev libsimdjson-dev
          libcli11-dev libfmt-dev libxxhash-dev rapidjson-dev libgtest-dev libgmock-dev
          libbenchmark-dev gcovr libcurl4-openssl-dev)
command -v npm >/dev/null 2>&1 || packages+=(npm)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v python3 >/dev/null 2>&1 || packages+=(python3)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "nodescope: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "nodescope: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
    sudo_cmd=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cd "$repo"
generator=()
[ -f "$build_dir/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build_dir"
