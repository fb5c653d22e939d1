#!/usr/bin/env bash
# Builds nodescope and runs every test: the Release tree first (warnings are errors), then a Debug
# tree with AddressSanitizer + UndefinedBehaviorSanitizer and line coverage, then a ThreadSanitizer
# tree, then 60 s of the libFuzzer target (when clang is there); the coverage of analyzer/, rules/
# and reports/ is printed at the end. Installs what is missing (via analyzer/tools/build.sh).
# Ends with one line "tests: N passed, M failed" over both trees; exits non-zero on any failure.
# Usage: tests/run.sh [--quick]   (--quick: Release tree only, no sanitizers or coverage)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
quick=0
[ "${1:-}" = "--quick" ] && quick=1
jobs="$(nproc 2>/dev/null || echo 2)"

passed=0
failed=0
status=0
run_ctest() {  # run_ctest BUILD_DIR LABEL
  local log
  log="$(mktemp)"
  echo "== ctest ($2) =="
  if ctest --test-dir "$1" --output-on-failure -j "$jobs" --timeout 600 2>&1 | tee "$log"; then :; fi
  local line p f
  line="$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)"
  if [ -z "$line" ]; then
    echo "nodescope: ctest ($2) produced no summary" >&2
    status=1
  else
    f="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
    p="$(( $(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line") - f ))"
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -eq 0 ] || status=1
  fi
  rm -f "$log"
}

analyzer/tools/build.sh build -DNODESCOPE_WERROR=ON
run_ctest build release

# The route table against the frameworks themselves: the fixture apps the oracle can load are
# booted in Node (without listening) and their registered routes compared with `nodescope routes`.
echo "== route oracle =="
if tests/route_oracle/setup.sh && oracle_out="$(python3 tests/route_oracle/compare.py build/nodescope fixtures/apps/* 2>&1)"; then
  echo "$oracle_out"
else
  echo "${oracle_out:-route oracle setup failed}"
  status=1
fi
# `nodescope routes --format openapi` of every fixture app against the official OpenAPI 3.1 schema.
echo "== openapi schema =="
if openapi_out="$(node tests/route_oracle/validate-openapi.js build/nodescope fixtures/apps/*/ 2>&1)"; then
  echo "$openapi_out" | grep -v 'unknown format'
else
  echo "$openapi_out" | grep -v 'unknown format'
  status=1
fi
# Every SARIF log the tests produce (the reporter goldens, `--format sarif` of every fixture app,
# a tree with non-ASCII and reserved path characters) against the official SARIF 2.1.0 schema.
echo "== sarif schema =="
if tests/sarif/setup.sh && sarif_out="$(node tests/sarif/validate-sarif.js build/nodescope tests/golden/*.sarif fixtures/apps/*/ 2>&1)"; then
  echo "$sarif_out"
else
  echo "${sarif_out:-sarif validator setup failed}"
  status=1
fi

# The configuration file's JSON Schema against the example configs, and the loader's verdicts.
echo "== config schema =="
if tests/sarif/setup.sh >/dev/null && config_out="$(node tests/config/validate-config.js build/nodescope 2>&1)"; then
  echo "$config_out" | tail -1
else
  echo "${config_out:-config schema setup failed}"
  status=1
fi

if [ "$quick" -eq 0 ]; then
  analyzer/tools/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug \
    "-DNODESCOPE_SANITIZE=address;undefined" -DNODESCOPE_COVERAGE=ON -DNODESCOPE_BUILD_BENCH=OFF
  find build-asan -name '*.gcda' -delete
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest build-asan "asan+ubsan"
  # ThreadSanitizer for the parallel pipeline (TBB's own internals are suppressed: see tsan.supp).
  analyzer/tools/build.sh build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNODESCOPE_SANITIZE=thread \
    -DNODESCOPE_BUILD_BENCH=OFF
  TSAN_OPTIONS="halt_on_error=1 suppressions=$repo/tests/tsan.supp" run_ctest build-tsan "tsan"

  echo "== fuzz (60 s) =="
  tests/fuzz.sh 60 || status=1

  echo "== line coverage (analyzer/, rules/, reports/) =="
  gcovr --root "$repo" --object-directory build-asan --filter "$repo/analyzer/" \
    --filter "$repo/rules/" --filter "$repo/reports/" --exclude "$repo/analyzer/third_party/" \
    --exclude-throw-branches --print-summary --txt build-asan/coverage.txt 2>/dev/null | grep -E '^(lines|functions|branches):' || \
    echo "gcovr: no coverage data"
fi

echo "tests: $passed passed, $failed failed"
exit "$status"
