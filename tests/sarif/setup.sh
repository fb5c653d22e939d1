#!/bin/sh
# Installs the SARIF validator's pinned dependencies (ajv, ajv-draft-04, ajv-formats) into
# tests/sarif/node_modules with `npm ci`, from the npm registry only, running no install scripts.
# Safe to run again: it does nothing while node_modules still matches package-lock.json (a hash of
# the lock file is kept in node_modules/.sarif-lock.sha256).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "sarif: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
  exit 2
}
want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
stamp="$here/node_modules/.sarif-lock.sha256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "sarif: dependencies up to date"
  exit 0
fi
npm ci --prefix "$here" --ignore-scripts --no-audit --no-fund
echo "$want" > "$stamp"
echo "sarif: dependencies installed"
