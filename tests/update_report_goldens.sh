#!/usr/bin/env bash
# Rewrites the golden reports (tests/golden/report/*.md, *.json) from the fixture apps with the
# built tree's rules, then shows what changed. Review the diff like code: a new or changed rule
# moves the Security Measures and Self-Verification lines, and the data sections change when
# the facts work lands. Usage: tests/update_report_goldens.sh [BUILD_DIR]   (default: build)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build}"
cmake --build "$build" -j2 --target nodescope_tests
UPDATE_GOLDEN=1 "$build/tests/nodescope_tests" --gtest_filter='Apps/ReportGolden.*' >/dev/null || true
"$build/tests/nodescope_tests" --gtest_filter='Apps/ReportGolden.*'
git -C "$repo" diff --stat -- tests/golden/report
