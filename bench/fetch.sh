#!/usr/bin/env bash
# Fetches the pinned benchmark corpus: `npm pack`s each package listed in bench/corpus.txt
# (`name version sha256` per line) into bench/corpus/, checks the tarball's sha256 against the
# pinned one and extracts it to bench/corpus/<flat-name>-<version>/package.
# Idempotent: a verified tarball is not downloaded again and an extracted tree is kept.
# It does not `npm install`, run package scripts or resolve dependencies: the bench scans the
# packed sources only and never runs them. Only the npm registry is contacted.
# Usage: bench/fetch.sh [--packages NAME...]   (default: every package in corpus.txt)
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus_list="${bench_dir}/corpus.txt"
corpus_dir="${bench_dir}/corpus"

usage() {
  sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

selected=()
while (($#)); do
  case "$1" in
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
      echo "fetch.sh: unknown argument '$1'" >&2
      usage >&2
      exit 2
      ;;
  esac
done

for tool in npm sha256sum tar; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "fetch.sh: '${tool}' is required but not on PATH" >&2
    exit 2
  fi
done
if [[ ! -f "${corpus_list}" ]]; then
  echo "fetch.sh: ${corpus_list} is missing (lines of 'name version sha256')" >&2
  exit 2
fi

# "@directus/api" -> "directus-api": the file-system name of a (possibly scoped) package.
flat_name() {
  local name="${1#@}"
  echo "${name//\//-}"
}

is_selected() {
  ((${#selected[@]} == 0)) && return 0
  local s
  for s in "${selected[@]}"; do
    [[ "$s" == "$1" ]] && return 0
  done
  return 1
}

mkdir -p "${corpus_dir}"
# Half-done work (an interrupted pack or extraction) lives in a temporary folder removed on exit,
# so an interrupted run never leaves a tree that looks complete.
work_dir=""
trap 'if [[ -n "${work_dir}" ]]; then rm -rf "${work_dir}"; fi' EXIT
failures=0
seen=0
while read -r name version sha256 rest; do
  [[ -z "${name}" || "${name}" == \#* ]] && continue
  if [[ -z "${version:-}" || -z "${sha256:-}" || -n "${rest:-}" ]]; then
    echo "fetch.sh: malformed line in corpus.txt for '${name}': want 'name version sha256'" >&2
    exit 2
  fi
  is_selected "${name}" || continue
  seen=$((seen + 1))

  flat="$(flat_name "${name}")"
  tarball="${corpus_dir}/${flat}-${version}.tgz"
  dest="${corpus_dir}/${flat}-${version}"

  if [[ -f "${tarball}" ]] && [[ "$(sha256sum "${tarball}" | cut -d' ' -f1)" == "${sha256}" ]]; then
    echo "fetch.sh: ${name}@${version}: tarball present and verified"
  else
    echo "fetch.sh: ${name}@${version}: npm pack ..."
    rm -f "${tarball}"
    staging="$(mktemp -d "${corpus_dir}/.pack.XXXXXX")"
    work_dir="${staging}"
    # --ignore-scripts: never run anything from the package, even lifecycle hooks of pack.
    if ! (cd "${staging}" && npm pack "${name}@${version}" --ignore-scripts --loglevel=error \
      >/dev/null); then
      rm -rf "${staging}"
      echo "fetch.sh: npm pack ${name}@${version} failed (is the npm registry reachable?)" >&2
      failures=$((failures + 1))
      continue
    fi
    packed=("${staging}"/*.tgz)
    if ((${#packed[@]} != 1)) || [[ ! -f "${packed[0]}" ]]; then
      rm -rf "${staging}"
      echo "fetch.sh: npm pack ${name}@${version} did not produce exactly one .tgz" >&2
      failures=$((failures + 1))
      continue
    fi
    mv "${packed[0]}" "${tarball}"
    rm -rf "${staging}"
  fi

  actual="$(sha256sum "${tarball}" | cut -d' ' -f1)"
  if [[ "${actual}" != "${sha256}" ]]; then
    echo "fetch.sh: checksum mismatch for ${name}@${version}" >&2
    echo "  expected sha256: ${sha256}  (bench/corpus.txt)" >&2
    echo "  actual sha256:   ${actual}  (${tarball})" >&2
    echo "  The registry served different bytes than were pinned. If you are bumping the" >&2
    echo "  version on purpose, put the actual checksum in bench/corpus.txt; otherwise" >&2
    echo "  do not benchmark this tarball." >&2
    # Keep the bad tarball out of the way so it is neither scanned nor mistaken as verified.
    mv -f "${tarball}" "${tarball}.rejected"
    rm -rf "${dest}"
    failures=$((failures + 1))
    continue
  fi

  # The stamp records which verified tarball the tree came from; extract again if it differs.
  stamp="${dest}/.sha256"
  if [[ -d "${dest}/package" && -f "${stamp}" && "$(cat "${stamp}")" == "${sha256}" ]]; then
    echo "fetch.sh: ${name}@${version}: already extracted to ${dest#"${bench_dir}/"}/package"
    continue
  fi
  rm -rf "${dest}"
  extracting="$(mktemp -d "${corpus_dir}/.extract.XXXXXX")"
  work_dir="${extracting}"
  tar -xzf "${tarball}" -C "${extracting}" --no-same-owner --no-same-permissions
  if [[ ! -d "${extracting}/package" ]]; then
    rm -rf "${extracting}"
    echo "fetch.sh: ${tarball} has no package/ folder; not an npm tarball?" >&2
    failures=$((failures + 1))
    continue
  fi
  echo "${sha256}" >"${extracting}/.sha256"
  chmod 755 "${extracting}"  # mktemp -d makes it 0700
  mv "${extracting}" "${dest}"
  echo "fetch.sh: ${name}@${version}: verified and extracted to ${dest#"${bench_dir}/"}/package"
done <"${corpus_list}"

if ((${#selected[@]} > 0 && seen != ${#selected[@]})); then
  echo "fetch.sh: some of '${selected[*]}' are not listed in bench/corpus.txt" >&2
  exit 2
fi
if ((failures > 0)); then
  echo "fetch.sh: ${failures} package(s) failed; see above" >&2
  exit 1
fi
