#!/bin/sh
# ctest entry of the configuration schema check (validate-config.js): skipped (exit 77) when node
# or the pinned ajv install (tests/sarif/setup.sh) is missing, so a plain build needs neither.
# Usage: tests/config/run.sh [nodescope-binary]
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1 || [ ! -d "$here/../sarif/node_modules/ajv" ]; then
  echo "config schema: skipped (needs node and tests/sarif/setup.sh)"
  exit 77
fi
exec node "$here/validate-config.js" "$@"
