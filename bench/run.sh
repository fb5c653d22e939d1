#!/usr/bin/env bash
# Benchmarks `nodescope scan` on the pinned corpus (fetch it first with bench/fetch.sh): for each
# package, at 1 and 2 threads, the full scan and `--parse-only`, each repeated N times under
# /usr/bin/time. Records files, MB, wall and CPU time, peak RSS, MB/s, findings per rule and the
# full/parse-only ratio, then regenerates bench/RESULTS.md (via bench/summarize.py) and keeps the
# raw numbers in bench/out/. A ratio over the 1.3x budget is printed and flagged, never a failure:
# speed is measured here, not asserted. It does not build nodescope or fetch anything.
# Usage: bench/run.sh [--binary build/nodescope] [--packages NAME...] [--repeat N] [--results FILE]
set -euo pipefail
export LC_ALL=C  # EPOCHREALTIME and printf must use '.' as the decimal point

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "${bench_dir}")"
corpus_list="${bench_dir}/corpus.txt"
corpus_dir="${bench_dir}/corpus"
out_dir="${bench_dir}/out"

binary="${repo_dir}/build/nodescope"
repeat=3
results="${bench_dir}/RESULTS.md"
jobs_list=(1 2)
modes=(parse-only full)
selected=()

usage() {
  sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

while (($#)); do
  case "$1" in
    --binary)
      binary="${2:?--binary needs a path}"
      shift 2
      ;;
    --repeat)
      repeat="${2:?--repeat needs a number}"
      shift 2
      ;;
    --results)
      results="${2:?--results needs a path}"
      shift 2
      ;;
    --packages)
      shift
      while (($#)) && [[ "$1" != --* ]]; do
        selected+=("$1")
        shift
      done
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "run.sh: unknown argument '$1'" >&2
      usage >&2
      exit 2
      ;;
  esac
done

if ! [[ "${repeat}" =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: --repeat wants a positive whole number, got '${repeat}'" >&2
  exit 2
fi
# A relative --binary is relative to where the user stands, then made absolute.
if [[ "${binary}" != /* && -e "${binary}" ]]; then
  binary="$(cd "$(dirname "${binary}")" && pwd)/$(basename "${binary}")"
fi
if [[ ! -x "${binary}" || -d "${binary}" ]]; then
  echo "run.sh: no nodescope binary at ${binary}" >&2
  echo "  build first: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build" >&2
  echo "  or point at one with --binary PATH" >&2
  exit 2
fi
if [[ -z "${EPOCHREALTIME:-}" ]]; then
  echo "run.sh: needs bash 5 or later (for EPOCHREALTIME); this is ${BASH_VERSION}" >&2
  exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "run.sh: python3 is required to read the JSON output and write RESULTS.md" >&2
  exit 2
fi

# GNU time, not the shell keyword: it reports peak RSS. Debian's package is `time`.
if [[ ! -x /usr/bin/time ]]; then
  echo "run.sh: /usr/bin/time is missing; installing Debian's 'time' package"
  if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: cannot install it here; install GNU time (apt-get install -y time)" >&2
    exit 2
  fi
  if ! apt-get install -y time >/dev/null; then
    apt-get update >/dev/null && apt-get install -y time >/dev/null
  fi
fi

# "@directus/api" -> "directus-api", as bench/fetch.sh names folders.
flat_name() {
  local name="${1#@}"
  echo "${name//\//-}"
}

is_selected() {
  ((${#selected[@]} == 0)) && return 0
  local s
  for s in "${selected[@]}"; do
    [[ "$s" == "$1" || "$s" == "$2" ]] && return 0
  done
  return 1
}

# The packages to run: name, version, flat name, scan root. Only trees fetch.sh verified.
mkdir -p "${out_dir}"
manifest="${out_dir}/manifest.tsv"
: >"${manifest}"
packages=()
while read -r name version sha256 _; do
  [[ -z "${name}" || "${name}" == \#* ]] && continue
  flat="$(flat_name "${name}")"
  is_selected "${name}" "${flat}" || continue
  root="${corpus_dir}/${flat}-${version}/package"
  stamp="${corpus_dir}/${flat}-${version}/.sha256"
  if [[ ! -d "${root}" || ! -f "${stamp}" || "$(cat "${stamp}")" != "${sha256}" ]]; then
    echo "run.sh: ${name}@${version} is not fetched or not the pinned tarball;" \
      "run bench/fetch.sh" >&2
    exit 2
  fi
  packages+=("${flat}")
  printf '%s\t%s\t%s\t%s\n' "${name}" "${version}" "${flat}" "${root}" >>"${manifest}"
done <"${corpus_list}"
if ((${#packages[@]} == 0)); then
  echo "run.sh: no package of bench/corpus.txt matches '${selected[*]}'" >&2
  exit 2
fi
if ((${#selected[@]} > 0 && ${#packages[@]} != ${#selected[@]})); then
  echo "run.sh: some of '${selected[*]}' are not listed in bench/corpus.txt" >&2
  exit 2
fi

scratch="$(mktemp -d)"
trap 'rm -rf "${scratch}"' EXIT
# Run a private copy, so a rebuild of the tree during the bench cannot swap the binary mid-way.
bin="${scratch}/nodescope"
cp "${binary}" "${bin}"

# Runs one scan. Exit 0 (clean) and 1 (findings) are success; anything else stops the bench.
run_scan() {
  local label="$1"
  shift
  local rc=0
  "$@" 2>"${scratch}/stderr" || rc=$?
  if ((rc != 0 && rc != 1)); then
    echo "run.sh: ${label}: nodescope exited with ${rc}:" >&2
    tail -n 20 "${scratch}/stderr" >&2
    echo "  command: $*" >&2
    exit 2
  fi
}

# Other work on the machine skews every number; the load before the run goes into RESULTS.md.
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
runs="${out_dir}/runs.tsv"
printf 'package\tjobs\tmode\trepeat\twall_s\tuser_s\tsys_s\tmax_rss_kb\n' >"${runs}"
for flat in "${packages[@]}"; do
  root="$(awk -F'\t' -v f="${flat}" '$3 == f { print $4 }' "${manifest}")"
  # One untimed run per jobs count with real output: files, bytes and findings come from it, it
  # warms the page cache, and comparing the two checks that the output is the same bytes for any
  # thread count.
  for jobs in "${jobs_list[@]}"; do
    echo "run.sh: ${flat}: reading stats (jobs ${jobs})"
    run_scan "${flat} stats, jobs ${jobs}" "${bin}" scan "${root}" --jobs "${jobs}" \
      --format json --output "${out_dir}/${flat}.jobs${jobs}.json" --no-default-excludes \
      --fail-on none
  done
  for jobs in "${jobs_list[@]}"; do
    # Interleave the modes so drift in machine load hits both sides of the ratio alike.
    for ((rep = 1; rep <= repeat; rep++)); do
      for mode in "${modes[@]}"; do
        args=(scan "${root}" --jobs "${jobs}" --format json --output /dev/null
          --no-default-excludes --fail-on none)
        [[ "${mode}" == parse-only ]] && args+=(--parse-only)
        # Wall from the shell clock (microseconds; GNU time's %e has only 10 ms). CPU and peak
        # RSS from GNU time, whose last line of -o output is the format (an earlier one may say
        # "Command exited with non-zero status 1").
        start="${EPOCHREALTIME}"
        run_scan "${flat} ${mode}, jobs ${jobs}, run ${rep}" \
          /usr/bin/time -f '%e %U %S %M' -o "${scratch}/time" "${bin}" "${args[@]}"
        end="${EPOCHREALTIME}"
        read -r _ user sys rss < <(tail -n 1 "${scratch}/time")
        wall="$(awk -v a="${start}" -v b="${end}" 'BEGIN { printf "%.6f", b - a }')"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${flat}" "${jobs}" "${mode}" "${rep}" \
          "${wall}" "${user}" "${sys}" "${rss}" >>"${runs}"
        printf 'run.sh: %-22s jobs %s %-10s run %d/%d: %6.2f s wall, %s KB peak RSS\n' \
          "${flat}" "${jobs}" "${mode}" "${rep}" "${repeat}" "${wall}" "${rss}"
      done
    done
  done
done

# A --version that fails or prints nothing shows as "unknown" rather than stopping the report.
version="$({ "${bin}" --version 2>&1 || true; } | head -n 5 | tr '\n' ' ' | sed 's/ *$//')"
python3 "${bench_dir}/summarize.py" --manifest "${manifest}" --runs "${runs}" \
  --stats-dir "${out_dir}" --binary "${binary}" --version "${version}" --repeat "${repeat}" \
  --load-before "${load_before}" --jobs "${jobs_list[@]}" --results "${results}" \
  --raw "${out_dir}/results.json"
