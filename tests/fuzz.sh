#!/usr/bin/env bash
# Builds the libFuzzer target with clang (ASan+UBSan) in build-fuzz/ and runs it for SECONDS
# (default 60), seeded with every source under fixtures/ and rules/*/*/fixtures/. Crashes are
# written to build-fuzz/crashes/ and make the script fail. Needs clang with its fuzzer runtime
# (Debian: clang, libclang-rt-14-dev or the clang package's bundled runtime).
# Usage: tests/fuzz.sh [SECONDS]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
seconds="${1:-60}"
command -v clang++ >/dev/null 2>&1 || { echo "fuzz: clang++ not found; skipped"; exit 0; }
probe="$(mktemp -d)"
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$probe/p.cpp"
if ! clang++ -fsanitize=fuzzer "$probe/p.cpp" -o "$probe/p" >/dev/null 2>&1; then
  rm -rf "$probe"; echo "fuzz: clang's libFuzzer runtime is not installed; skipped"; exit 0
fi
rm -rf "$probe"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DNODESCOPE_FUZZ=ON "-DNODESCOPE_SANITIZE=address;undefined" \
  -DNODESCOPE_BUILD_BENCH=OFF -DNODESCOPE_BUILD_TESTS=ON >/dev/null
cmake --build build-fuzz --target nodescope_fuzz_scan
corpus="build-fuzz/corpus"
mkdir -p "$corpus" build-fuzz/crashes
# Seed: the language byte (0 js, 1 ts, 2 tsx) followed by each fixture's bytes.
find fixtures rules -type f \( -name '*.js' -o -name '*.ts' -o -name '*.tsx' -o -name '*.json' \) | sort |
  while read -r f; do
    case "$f" in *.tsx) b='\x02' ;; *.ts) b='\x01' ;; *) b='\x00' ;; esac
    { printf "$b"; cat "$f"; } >"$corpus/seed-$(echo "$f" | tr '/' '_')"
  done
ASAN_OPTIONS=detect_leaks=1 build-fuzz/tests/nodescope_fuzz_scan "$corpus" -max_total_time="$seconds" \
  -max_len=65536 -timeout=20 -rss_limit_mb=4096 -artifact_prefix=build-fuzz/crashes/ -print_final_stats=1 2>&1 |
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" || true
if ls build-fuzz/crashes/* >/dev/null 2>&1; then
  echo "fuzz: crashes found in build-fuzz/crashes/"; exit 1
fi
echo "fuzz: no crash in ${seconds}s"
