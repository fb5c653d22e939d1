#!/bin/sh
# Self-test of the route oracle and compare.py (no nodescope binary needed): the oracle on the
# Fastify self-test app must print selftest/fastify-app/expected.json; every oracle-runnable app
# under fixtures/apps must agree with its routes.expected.json; a tampered table must make
# compare.py fail with the differences named; a static-only app must be refused.
# Runs setup.sh first. Ends with "route_oracle: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
"$here/setup.sh" >/dev/null || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # name, then a command that must succeed
  name=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    sed 's/^/  /' "$tmp/out"
  fi
}
same_json() { python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); sys.exit(a!=b)' "$1" "$2"; }

fastify_app() {
  node "$here/list-routes.js" "$here/selftest/fastify-app" >"$tmp/fastify.json" &&
    same_json "$tmp/fastify.json" "$here/selftest/fastify-app/expected.json"
}
check "oracle lists the Fastify self-test app" fastify_app

check "expected route tables agree with the oracle" \
  python3 "$here/compare.py" "$here/expected-as-nodescope.sh" "$root"/fixtures/apps/*/

tampered() {
  # Drop GET /healthz, add a route the app does not have, swap two keys of another route.
  python3 - "$root/fixtures/apps/shop-api/routes.expected.json" "$tmp/tampered.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc['routes'] = [r for r in doc['routes'] if r['path'] != '/healthz']
extra = dict(doc['routes'][0], method='PATCH', path='/api/v1/nowhere')
doc['routes'].append(extra)
r = doc['routes'][1]
doc['routes'][1] = {'path': r['path'], **{k: v for k, v in r.items() if k != 'path'}}
json.dump(doc, open(sys.argv[2], 'w'))
PY
  ROUTES_JSON="$tmp/tampered.json" python3 "$here/compare.py" "$here/expected-as-nodescope.sh" \
    "$root/fixtures/apps/shop-api" >"$tmp/cmp" 2>&1
  rc=$?
  cat "$tmp/cmp"
  [ "$rc" -eq 1 ] &&
    grep -q 'only in oracle:    GET /healthz' "$tmp/cmp" &&
    grep -q 'only in nodescope: PATCH /api/v1/nowhere' "$tmp/cmp" &&
    grep -q 'shape: routes\[1\]: keys' "$tmp/cmp" &&
    grep -q 'shape: .*not sorted' "$tmp/cmp" &&
    grep -q '^compare: 10 passed, 4 failed$' "$tmp/cmp"
}
check "compare.py reports a tampered table both ways" tampered

refuses_static() {
  node "$here/list-routes.js" "$root/fixtures/apps/inventory-ts"
  [ $? -eq 3 ]
}
check "the oracle refuses a static-only app" refuses_static

echo "route_oracle: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
