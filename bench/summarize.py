#!/usr/bin/env python3
"""Turns the raw numbers bench/run.sh collected into bench/RESULTS.md and bench/out/results.json.

Reads the run log (one line per timed scan), the JSON output of the untimed scans (stats,
findings, diagnostics) and the machine's description; computes medians, MB/s and the
full/parse-only ratio, prints the ratios (flagging any over the budget) and regenerates the whole
RESULTS.md. It runs no scans and never fails on speed: the budget is reported, not asserted.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from pathlib import Path

BUDGET = 1.3  # the full scan may take at most this many times the parse-only wall time
MODES = ("parse-only", "full")
BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent


def fail(message: str) -> None:
    print(f"summarize.py: {message}", file=sys.stderr)
    sys.exit(2)


def read_tsv(path: Path, fieldnames: list[str] | None = None) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f, fieldnames=fieldnames, delimiter="\t"))


def load_scan_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        fail(f"cannot read the scan output {path}: {e}")
    stats = data.get("stats") if isinstance(data, dict) else None
    if not isinstance(stats, dict) or "files" not in stats or "bytes" not in stats:
        fail(f"{path} has no stats.files / stats.bytes; is the binary's JSON output version 1?")
    return data


def cmake_cache_near(binary: Path) -> dict[str, str]:
    """The CMakeCache.txt entries of the build tree the binary sits in, if it can be found."""
    for folder in [binary.parent, *binary.parent.parents][:4]:
        cache = folder / "CMakeCache.txt"
        if cache.is_file():
            entries = {}
            for line in cache.read_text(errors="replace").splitlines():
                m = re.match(r"^([A-Za-z_0-9]+):[A-Z_]+=(.*)$", line)
                if m:
                    entries[m.group(1)] = m.group(2)
            return entries
    return {}


def first_line_of(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0].strip() if lines else ""


def describe_machine(binary: Path) -> dict[str, str]:
    cpuinfo_path = Path("/proc/cpuinfo")
    cpuinfo = cpuinfo_path.read_text(errors="replace") if cpuinfo_path.exists() else ""

    def cpu_field(name: str) -> str:
        m = re.search(rf"^{re.escape(name)}\s*:\s*(.*)$", cpuinfo, re.MULTILINE)
        return m.group(1).strip() if m else ""

    cpu = cpu_field("model name") or platform.processor() or "unknown"
    family, model = cpu_field("cpu family"), cpu_field("model")
    if family and model:
        cpu += f" (family {family}, model {model})"
    if re.search(r"^flags\s*:.*\bhypervisor\b", cpuinfo, re.MULTILINE):
        cpu += ", virtual machine"
    physical = {
        (m.group(1), m.group(2))
        for m in re.finditer(r"physical id\s*:\s*(\d+).*?core id\s*:\s*(\d+)", cpuinfo, re.DOTALL)
    }
    logical = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = logical
    cores = f"{logical} logical CPUs"
    if physical:
        cores += f", {len(physical)} physical cores"
    if usable != logical:
        cores += f", {usable} usable by this process"

    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        m = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        if m:
            memory = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB"

    os_name = platform.system()
    os_release = Path("/etc/os-release")
    if os_release.exists():
        m = re.search(r'^PRETTY_NAME="?([^"\n]*)"?', os_release.read_text(), re.MULTILINE)
        if m:
            os_name = m.group(1)
    os_name += f", kernel {platform.release()}, {platform.machine()}"

    cache = cmake_cache_near(binary)
    compiler_path = cache.get("CMAKE_CXX_COMPILER", "")
    compiler = first_line_of([compiler_path, "--version"]) if compiler_path else ""
    launcher = cache.get("CMAKE_CXX_COMPILER_LAUNCHER", "")
    build_type = cache.get("CMAKE_BUILD_TYPE", "") or "unknown (no CMakeCache.txt near the binary)"
    extras = [
        f"{key}={cache[key]}"
        for key in ("NODESCOPE_SANITIZE", "NODESCOPE_COVERAGE", "CMAKE_CXX_FLAGS")
        if cache.get(key) not in (None, "", "OFF")
    ]
    if extras:
        build_type += " (" + ", ".join(extras) + ")"
    return {
        "cpu": cpu,
        "cores": cores,
        "memory": memory,
        "os": os_name,
        "compiler": (compiler or compiler_path or "unknown")
        + (f" via {Path(launcher).name}" if launcher else ""),
        "build_type": build_type,
    }


def source_revision() -> str:
    head = first_line_of(["git", "-C", str(REPO_DIR), "rev-parse", "--short=12", "HEAD"])
    if not re.fullmatch(r"[0-9a-f]{7,40}", head):
        return "no commit yet"
    dirty = subprocess.run(
        ["git", "-C", str(REPO_DIR), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()
    return head + (" with uncommitted changes" if dirty else "")


def fmt_mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.2f}"


def fmt_ratio(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}x"


def flag(ratio: float | None) -> str:
    return "**over budget**" if ratio is not None and ratio > BUDGET else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--runs", type=Path, required=True)
    parser.add_argument("--stats-dir", type=Path, required=True)
    parser.add_argument("--binary", type=Path, required=True)
    parser.add_argument("--version", default="")
    parser.add_argument("--repeat", type=int, required=True)
    parser.add_argument("--load-before", default="unknown")
    parser.add_argument("--jobs", type=int, nargs="+", required=True)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--raw", type=Path, required=True)
    args = parser.parse_args()

    packages = read_tsv(args.manifest, ["name", "version", "flat", "root"])
    runs = read_tsv(args.runs)
    by_key: dict[tuple[str, int, str], list[dict[str, float]]] = collections.defaultdict(list)
    for r in runs:
        by_key[(r["package"], int(r["jobs"]), r["mode"])].append(
            {
                "wall_s": float(r["wall_s"]),
                "cpu_s": float(r["user_s"]) + float(r["sys_s"]),
                "max_rss_kb": float(r["max_rss_kb"]),
            }
        )

    results = []
    for pkg in packages:
        flat = pkg["flat"]
        scans = {j: args.stats_dir / f"{flat}.jobs{j}.json" for j in args.jobs}
        scan = load_scan_json(scans[args.jobs[0]])
        stats = scan["stats"]
        identical = len({p.read_bytes() for p in scans.values()}) == 1
        rules = collections.Counter(f.get("ruleId", "?") for f in scan.get("findings", []))
        diags = collections.Counter(d.get("kind", "?") for d in scan.get("diagnostics", []))
        entry = {
            "name": pkg["name"],
            "flat": flat,
            "version": pkg["version"],
            "files": int(stats["files"]),
            "bytes": int(stats["bytes"]),
            "parsed": stats.get("parsed"),
            "skipped": stats.get("skipped"),
            "findings_by_rule": dict(sorted(rules.items())),
            "diagnostics_by_kind": dict(sorted(diags.items())),
            "output_identical_across_jobs": identical,
            "timings": [],
            "ratios": {},
        }
        for jobs in args.jobs:
            walls = {}
            for mode in MODES:
                samples = by_key.get((flat, jobs, mode), [])
                if not samples:
                    fail(f"no timed runs for {flat}, jobs {jobs}, {mode} in {args.runs}")
                wall = statistics.median(s["wall_s"] for s in samples)
                walls[mode] = wall
                entry["timings"].append(
                    {
                        "jobs": jobs,
                        "mode": mode,
                        "runs": len(samples),
                        "wall_s": wall,
                        "cpu_s": statistics.median(s["cpu_s"] for s in samples),
                        "max_rss_mb": max(s["max_rss_kb"] for s in samples) / 1024,
                        "mb_per_s": entry["bytes"] / 1e6 / wall if wall > 0 else None,
                    }
                )
            base = walls["parse-only"]
            entry["ratios"][str(jobs)] = walls["full"] / base if base > 0 else None
        results.append(entry)

    # Overall: total full time over total parse-only time, so big packages weigh more.
    overall_walls = {
        (jobs, mode): sum(
            t["wall_s"]
            for e in results
            for t in e["timings"]
            if (t["jobs"], t["mode"]) == (jobs, mode)
        )
        for jobs in args.jobs
        for mode in MODES
    }
    overall = {}
    for jobs in args.jobs:
        base = overall_walls[(jobs, "parse-only")]
        overall[str(jobs)] = overall_walls[(jobs, "full")] / base if base > 0 else None

    machine = describe_machine(args.binary)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    try:
        shown_binary = str(args.binary.resolve().relative_to(REPO_DIR))
    except ValueError:
        shown_binary = str(args.binary)
    meta = {
        "date": now.isoformat(),
        "nodescope_version": args.version or "unknown",
        "binary": shown_binary,
        "source": source_revision(),
        "repeat": args.repeat,
        "load_average_before": args.load_before,
        "budget": BUDGET,
        "machine": machine,
    }

    # --- stdout: the ratios, flagged --------------------------------------------------------
    over = False
    for e in results:
        for jobs in args.jobs:
            r = e["ratios"][str(jobs)]
            over |= r is not None and r > BUDGET
            mark = f"  OVER THE {BUDGET}x BUDGET" if r is not None and r > BUDGET else ""
            print(f"ratio full/parse-only  {e['name']:<16} jobs {jobs}: {fmt_ratio(r)}{mark}")
    for jobs in args.jobs:
        r = overall[str(jobs)]
        over |= r is not None and r > BUDGET
        mark = f"  OVER THE {BUDGET}x BUDGET" if r is not None and r > BUDGET else ""
        print(f"ratio full/parse-only  {'overall':<16} jobs {jobs}: {fmt_ratio(r)}{mark}")
    for e in results:
        if not e["output_identical_across_jobs"]:
            print(f"WARNING: {e['name']}: JSON output differs between jobs {args.jobs}; "
                  f"compare {args.stats_dir}/{e['flat']}.jobs*.json")

    # --- RESULTS.md ---------------------------------------------------------------------------
    md = []
    md.append("# Benchmark results\n")
    md.append(f"Generated by `bench/run.sh` on {now.strftime('%Y-%m-%d %H:%M UTC')}. "
              "Do not edit by hand: the runner regenerates this whole file. "
              "See bench/README.md for what is measured and how to read it.\n")
    md.append("## Setup\n")
    md.append(f"- nodescope: `{meta['nodescope_version']}` "
              f"(`{shown_binary}`, source {meta['source']})")
    md.append(f"- CPU: {machine['cpu']}; {machine['cores']}")
    md.append(f"- Memory: {machine['memory']}")
    md.append(f"- OS: {machine['os']}")
    md.append(f"- Compiler: {machine['compiler']}")
    md.append(f"- Build type: {machine['build_type']}")
    md.append(f"- Load average before the run (1, 5, 15 min): {args.load_before} "
              "(anything near the CPU count or above means the numbers are noisy)")
    md.append(f"- Method: `nodescope scan <package> --jobs J --format json --output /dev/null "
              f"--no-default-excludes --fail-on none [--parse-only]`; median of {args.repeat} runs "
              "for wall and CPU time, largest peak RSS of those runs.\n")

    md.append("## Corpus\n")
    md.append("MB is 10^6 bytes of the JS/TS files the scan discovered (`stats.bytes`).\n")
    md.append("| package | version | files | MB | parsed | skipped |")
    md.append("| --- | --- | ---: | ---: | ---: | ---: |")
    for e in results:
        md.append(f"| {e['name']} | {e['version']} | {e['files']} | {fmt_mb(e['bytes'])} | "
                  f"{'' if e['parsed'] is None else e['parsed']} | "
                  f"{'' if e['skipped'] is None else e['skipped']} |")
    md.append(f"| **total** | | {sum(e['files'] for e in results)} | "
              f"{fmt_mb(sum(e['bytes'] for e in results))} | | |\n")

    md.append("## Timings\n")
    md.append("| package | jobs | mode | wall s | CPU s | peak RSS MB | MB/s |")
    md.append("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for e in results:
        for t in e["timings"]:
            mbps = "n/a" if t["mb_per_s"] is None else f"{t['mb_per_s']:.1f}"
            md.append(f"| {e['name']} | {t['jobs']} | {t['mode']} | {t['wall_s']:.3f} | "
                      f"{t['cpu_s']:.2f} | {t['max_rss_mb']:.1f} | {mbps} |")
    md.append("")

    md.append(f"## Full scan / parse-only (budget {BUDGET}x)\n")
    md.append("Ratio of median wall times. Overall is total full time over total parse-only "
              "time.\n")
    md.append("| package | jobs | parse-only s | full s | ratio | |")
    md.append("| --- | ---: | ---: | ---: | ---: | --- |")
    for e in results:
        for jobs in args.jobs:
            walls = {t["mode"]: t["wall_s"] for t in e["timings"] if t["jobs"] == jobs}
            r = e["ratios"][str(jobs)]
            md.append(f"| {e['name']} | {jobs} | {walls['parse-only']:.3f} | {walls['full']:.3f} | "
                      f"{fmt_ratio(r)} | {flag(r)} |")
    for jobs in args.jobs:
        r = overall[str(jobs)]
        md.append(f"| **overall** | {jobs} | {overall_walls[(jobs, 'parse-only')]:.3f} | "
                  f"{overall_walls[(jobs, 'full')]:.3f} | {fmt_ratio(r)} | {flag(r)} |")
    md.append("")

    md.append(f"## Findings per rule (full scan, jobs {args.jobs[0]})\n")
    md.append("A jump in a rule's count between runs is a false-positive alarm: look before you "
              "commit.\n")
    all_rules = sorted({rule for e in results for rule in e["findings_by_rule"]})
    header = "| rule | " + " | ".join(e["name"] for e in results) + " | total |"
    md.append(header)
    md.append("| --- |" + " ---: |" * (len(results) + 1))
    for rule in all_rules:
        counts = [e["findings_by_rule"].get(rule, 0) for e in results]
        md.append(f"| `{rule}` | " + " | ".join(str(c) for c in counts) + f" | {sum(counts)} |")
    totals = [sum(e["findings_by_rule"].values()) for e in results]
    md.append("| **total** | " + " | ".join(str(c) for c in totals) + f" | {sum(totals)} |\n")

    md.append("## Diagnostics per kind\n")
    all_kinds = sorted({kind for e in results for kind in e["diagnostics_by_kind"]})
    if all_kinds:
        md.append("| kind | " + " | ".join(e["name"] for e in results) + " | total |")
        md.append("| --- |" + " ---: |" * (len(results) + 1))
        for kind in all_kinds:
            counts = [e["diagnostics_by_kind"].get(kind, 0) for e in results]
            md.append(f"| {kind} | " + " | ".join(str(c) for c in counts) + f" | {sum(counts)} |")
        md.append("")
    else:
        md.append("None.\n")

    md.append("## Same output at every thread count\n")
    for e in results:
        same = "yes" if e["output_identical_across_jobs"] else "**NO: the JSON output differs**"
        jobs_text = " and ".join(map(str, args.jobs))
        md.append(f"- {e['name']}: jobs {jobs_text} give identical JSON: {same}")
    md.append("")

    args.results.write_text("\n".join(md), encoding="utf-8")
    args.raw.parent.mkdir(parents=True, exist_ok=True)
    args.raw.write_text(
        json.dumps({"meta": meta, "packages": results, "overall_ratios": overall}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"summarize.py: wrote {args.results} and {args.raw}")
    if over:
        print(f"summarize.py: the full scan is over the {BUDGET}x parse-only budget (see above); "
              "this is reported, not a failure")


if __name__ == "__main__":
    main()
