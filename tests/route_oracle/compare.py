#!/usr/bin/env python3
# Compares nodescope's static route table with the route oracle's (what the framework itself
# registered when the app was loaded): the sets of (method, path), both ways. Routes nodescope
# marks "dynamic" are left out; oracle routes their {dynamic} pattern matches are "covered".
# Also checks the shape of nodescope's JSON against the `nodescope routes` contract.
# Usage: compare.py <nodescope-binary> <appDir> [<appDir>...]; exit 0 when all agree, else 1.
# Only apps whose oracle.json says "run": true are loaded, others are skipped. Last line:
# "compare: N passed, M failed" (agreeing routes; differences, contract breaks, load errors).
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROUTE_KEYS = ['method', 'path', 'file', 'line', 'framework', 'handler', 'middleware', 'auth',
              'validated', 'rateLimited', 'dynamic', 'tested', 'tests']
TEST_KEYS = ['file', 'line']
MW_KEYS = ['name', 'kind', 'file', 'line', 'conditional']
KINDS = {'auth', 'validation', 'rate-limit', 'security-headers', 'cors', 'body-parser', 'logger',
         'error-handler', 'other'}
FLAG_OF_KIND = {'auth': 'auth', 'validated': 'validation', 'rateLimited': 'rate-limit'}


def run_json(cmd, what):
    """Runs cmd, returns (parsed JSON, None) or (None, error message)."""
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f'{what}: could not run {cmd[0]}: {e}'
    if res.returncode != 0:
        err = (res.stderr.strip() or res.stdout.strip())[-2000:]
        return None, f'{what} exited {res.returncode}: {err}'
    try:
        return json.loads(res.stdout), None
    except json.JSONDecodeError as e:
        return None, f'{what} printed invalid JSON ({e}): {res.stdout[:200]!r}'


def shape_problems(doc):
    """Contract checks on `nodescope routes --format json` output."""
    out = []
    if not isinstance(doc, dict) or not isinstance(doc.get('routes'), list):
        return ['top level must be {"routes": [...]}']
    prev = None
    for i, r in enumerate(doc['routes']):
        where = f'routes[{i}]'
        if not isinstance(r, dict) or list(r.keys()) != ROUTE_KEYS:
            out.append(f'{where}: keys {list(r.keys()) if isinstance(r, dict) else r!r} != {ROUTE_KEYS}')
            continue
        if r['method'] != r['method'].upper():
            out.append(f'{where}: method not upper-case: {r["method"]}')
        p = r['path']
        if not p.startswith('/') or '//' in p or (len(p) > 1 and p.endswith('/')):
            out.append(f'{where}: path not normalised: {p!r}')
        if ('{dynamic}' in p) != bool(r['dynamic']):
            out.append(f'{where}: "dynamic" is {r["dynamic"]} but path is {p!r}')
        if not isinstance(r['line'], int) or r['line'] < 1 or '\\' in r['file']:
            out.append(f'{where}: bad file/line {r["file"]!r}:{r["line"]!r}')
        kinds = set()
        for j, m in enumerate(r['middleware']):
            if not isinstance(m, dict) or list(m.keys()) != MW_KEYS:
                out.append(f'{where}.middleware[{j}]: keys != {MW_KEYS}')
                continue
            if m['kind'] not in KINDS:
                out.append(f'{where}.middleware[{j}]: unknown kind {m["kind"]!r}')
            kinds.add(m['kind'])
        for j, t in enumerate(r['tests']):
            if not isinstance(t, dict) or list(t.keys()) != TEST_KEYS:
                out.append(f'{where}.tests[{j}]: keys != {TEST_KEYS}')
        if bool(r['tested']) != bool(r['tests']):
            out.append(f'{where}: "tested" is {r["tested"]} but tests are {r["tests"]!r}')
        for flag, kind in FLAG_OF_KIND.items():
            if bool(r[flag]) != (kind in kinds):
                out.append(f'{where} {r["method"]} {p}: "{flag}" is {r[flag]} but chain kinds are {sorted(kinds)}')
        key = (p.encode(), r['method'].encode())
        if prev is not None and key < prev:
            out.append(f'{where}: not sorted by path, then method ({r["method"]} {p})')
        prev = key
    return out


def dynamic_matcher(path):
    """A regex for a nodescope path with {dynamic} parts: each stands for any text, even empty,
    and '/{dynamic}' may vanish entirely (a variable holding '/' or '')."""
    parts = re.split(r'(/?\{dynamic\})', path)
    rx = ''
    for part in parts:
        if part == '/{dynamic}':
            rx += '(?:/.*)?'
        elif part == '{dynamic}':
            rx += '.*'
        else:
            rx += re.escape(part)
    return re.compile(rx + r'\Z')


def oracle_skip_reason(app_dir):
    """Apps opt in to being loaded with oracle.json {"run": true}; None means run it."""
    path = os.path.join(app_dir, 'oracle.json')
    if not os.path.exists(path):
        return 'no oracle.json: not opted in to being loaded'
    with open(path, encoding='utf-8') as f:
        if json.load(f).get('run') is not True:
            return 'static-only: oracle.json "run" is not true'
    return None


def compare_app(binary, app_dir, check_shape, node):
    """Returns (passed, failed, lines to print)."""
    lines = []
    ns, err = run_json([binary, 'routes', app_dir, '--format', 'json'], 'nodescope')
    if err:
        return 0, 1, [f'  {err}']
    oracle, err = run_json([node, os.path.join(HERE, 'list-routes.js'), app_dir], 'oracle')
    if err:
        return 0, 1, [f'  {err}']
    failed = 0
    if check_shape:
        for p in shape_problems(ns):
            lines.append(f'  shape: {p}')
            failed += 1
    ns_routes = ns.get('routes', []) if isinstance(ns, dict) else []
    static = {(r['method'], r['path']) for r in ns_routes if not r.get('dynamic')}
    dynamic = [(r['method'], dynamic_matcher(r['path']), r['path']) for r in ns_routes if r.get('dynamic')]
    found = set()
    covered = []
    for r in oracle['routes']:
        key = (r['method'], r['path'])
        if key in static:
            found.add(key)
            continue
        hit = next((d for d in dynamic if d[0] in (key[0], 'ALL') and d[1].match(key[1])), None)
        if hit:
            covered.append(f'  covered by dynamic {hit[0]} {hit[2]}: {key[0]} {key[1]}')
        else:
            lines.append(f'  only in oracle:    {key[0]} {key[1]}')
            failed += 1
    for key in sorted(static - found):
        lines.append(f'  only in nodescope: {key[0]} {key[1]}')
        failed += 1
    return len(found), failed, covered + lines


def main():
    ap = argparse.ArgumentParser(description='Compare `nodescope routes` with the route oracle, app by app.')
    ap.add_argument('binary', help='the nodescope binary (anything that answers `BIN routes DIR --format json`)')
    ap.add_argument('apps', nargs='+', help='app folders (each with package.json or oracle.json)')
    ap.add_argument('--no-shape', action='store_true', help='compare route sets only, skip the contract checks')
    args = ap.parse_args()
    node = os.environ.get('NODE', 'node')
    passed = failed = skipped = 0
    for app in args.apps:
        app_dir = os.path.abspath(app)
        reason = oracle_skip_reason(app_dir)
        if reason:
            print(f'skip {app} ({reason})')
            skipped += 1
            continue
        p, f, lines = compare_app(args.binary, app_dir, not args.no_shape, node)
        print(f'{"ok  " if f == 0 else "FAIL"} {app}: {p} routes agree, {f} problems')
        for line in lines:
            print(line)
        passed += p
        failed += f
    tail = f', {skipped} skipped' if skipped else ''
    print(f'compare: {passed} passed, {failed} failed{tail}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
