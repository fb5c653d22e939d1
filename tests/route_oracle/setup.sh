#!/bin/sh
# Installs the route oracle's pinned dependencies (express 4 and 5, fastify, the middleware the
# fixture apps require) into tests/route_oracle/node_modules with `npm ci`, from the npm registry
# only, running no install scripts. Safe to run again: it does nothing while node_modules still
# matches package-lock.json (a hash of the lock file is kept in node_modules/.oracle-lock.sha256).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "route oracle: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
  exit 2
}
want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
stamp="$here/node_modules/.oracle-lock.sha256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "route oracle: dependencies up to date"
  exit 0
fi
npm ci --prefix "$here" --ignore-scripts --no-audit --no-fund
echo "$want" > "$stamp"
echo "route oracle: dependencies installed"
