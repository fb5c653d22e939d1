#!/bin/sh
# A stand-in for the nodescope binary: answers `routes DIR --format json` with the app's
# hand-written DIR/routes.expected.json (or with the file named by $ROUTES_JSON). With compare.py
# it checks the expected tables against the route oracle, and it is how compare.py was tested
# before `nodescope routes` existed:
#   tests/route_oracle/compare.py tests/route_oracle/expected-as-nodescope.sh fixtures/apps/*
set -eu
if [ "$#" -ne 4 ] || [ "$1" != routes ] || [ "$3" != --format ] || [ "$4" != json ]; then
  echo "usage: $0 routes DIR --format json" >&2
  exit 2
fi
exec cat "${ROUTES_JSON:-$2/routes.expected.json}"
