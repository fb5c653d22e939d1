# Fetches the pinned tree-sitter npm tarballs listed in npm-deps.txt (with `npm pack`), verifies
# their SHA-256, extracts them under the build tree and defines static libraries:
#   ts_core, ts_javascript, ts_typescript, ts_tsx.
# Tarballs are cached in NODESCOPE_NPM_CACHE so several build trees fetch once. Nothing is committed.
# Third-party C is always compiled with optimisation and without sanitizers or coverage: it is
# not ours to measure, and it dominates build time.

set(NODESCOPE_NPM_CACHE "$ENV{HOME}/.cache/nodescope/npm" CACHE PATH
    "Where pinned npm tarballs are cached between build trees")
file(MAKE_DIRECTORY "${NODESCOPE_NPM_CACHE}")

file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/npm-deps.txt" _ns_dep_lines REGEX "^[^#]")
set(_ns_src_root "${CMAKE_BINARY_DIR}/_deps")

function(_ns_fetch_npm name version sha256 out_dir)
  string(REPLACE "/" "-" _flat "${name}")
  string(REPLACE "@" "" _flat "${_flat}")
  set(_tgz "${NODESCOPE_NPM_CACHE}/${_flat}-${version}.tgz")
  if(EXISTS "${_tgz}")
    file(SHA256 "${_tgz}" _have)
    if(NOT _have STREQUAL sha256)
      message(STATUS "nodescope: cached ${_tgz} has the wrong checksum; fetching again")
      file(REMOVE "${_tgz}")
    endif()
  endif()
  if(NOT EXISTS "${_tgz}")
    find_program(NPM_EXECUTABLE npm)
    if(NOT NPM_EXECUTABLE)
      message(FATAL_ERROR "nodescope: npm is needed to fetch ${name}@${version}; install nodejs and npm "
                          "(analyzer/tools/build.sh does it)")
    endif()
    message(STATUS "nodescope: npm pack ${name}@${version}")
    execute_process(COMMAND "${NPM_EXECUTABLE}" pack "${name}@${version}" --silent
                    WORKING_DIRECTORY "${NODESCOPE_NPM_CACHE}"
                    RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0 OR NOT EXISTS "${_tgz}")
      message(FATAL_ERROR "nodescope: `npm pack ${name}@${version}` failed (${_rc}): ${_err}")
    endif()
    file(SHA256 "${_tgz}" _have)
    if(NOT _have STREQUAL sha256)
      file(REMOVE "${_tgz}")
      message(FATAL_ERROR "nodescope: checksum mismatch for ${name}@${version}: expected ${sha256}, got ${_have}. "
                          "If the version was bumped on purpose, update analyzer/third_party/npm-deps.txt.")
    endif()
  endif()
  set(_dest "${_ns_src_root}/${_flat}-${version}")
  if(NOT EXISTS "${_dest}/.sha256" OR NOT EXISTS "${_dest}/package")
    file(REMOVE_RECURSE "${_dest}")
    file(ARCHIVE_EXTRACT INPUT "${_tgz}" DESTINATION "${_dest}")
    file(WRITE "${_dest}/.sha256" "${sha256}")
  else()
    file(READ "${_dest}/.sha256" _stamp)
    if(NOT _stamp STREQUAL sha256)
      file(REMOVE_RECURSE "${_dest}")
      file(ARCHIVE_EXTRACT INPUT "${_tgz}" DESTINATION "${_dest}")
      file(WRITE "${_dest}/.sha256" "${sha256}")
    endif()
  endif()
  set(${out_dir} "${_dest}/package" PARENT_SCOPE)
endfunction()

foreach(_line IN LISTS _ns_dep_lines)
  string(REGEX MATCHALL "[^ \t]+" _f "${_line}")
  list(LENGTH _f _n)
  if(NOT _n EQUAL 3)
    message(FATAL_ERROR "nodescope: bad line in npm-deps.txt: '${_line}' (want: name version sha256)")
  endif()
  list(GET _f 0 _name)
  list(GET _f 1 _ver)
  list(GET _f 2 _sha)
  _ns_fetch_npm("${_name}" "${_ver}" "${_sha}" _dir)
  string(MAKE_C_IDENTIFIER "${_name}" _id)
  set(NS_DEP_${_id}_DIR "${_dir}")
  set(NS_DEP_${_id}_VERSION "${_ver}")
endforeach()

set(NODESCOPE_TREE_SITTER_VERSION "${NS_DEP_tree_sitter_VERSION}")
set(NODESCOPE_TS_JAVASCRIPT_VERSION "${NS_DEP_tree_sitter_javascript_VERSION}")
set(NODESCOPE_TS_TYPESCRIPT_VERSION "${NS_DEP_tree_sitter_typescript_VERSION}")

set(_ts_lib "${NS_DEP_tree_sitter_DIR}/vendor/tree-sitter/lib")
set(_ts_copts -O2 -w -fno-sanitize=all -fno-profile-arcs -fno-test-coverage)

add_library(ts_core STATIC "${_ts_lib}/src/lib.c")
target_include_directories(ts_core SYSTEM PUBLIC "${_ts_lib}/include" PRIVATE "${_ts_lib}/src")
target_compile_options(ts_core PRIVATE ${_ts_copts})
target_compile_definitions(ts_core PRIVATE _POSIX_C_SOURCE=200112L _DEFAULT_SOURCE)
set_target_properties(ts_core PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)

function(_ns_grammar target dir)
  add_library(${target} STATIC "${dir}/src/parser.c" "${dir}/src/scanner.c")
  target_include_directories(${target} PRIVATE "${dir}/src")
  target_compile_options(${target} PRIVATE ${_ts_copts})
  set_target_properties(${target} PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
endfunction()

_ns_grammar(ts_javascript "${NS_DEP_tree_sitter_javascript_DIR}")
_ns_grammar(ts_typescript "${NS_DEP_tree_sitter_typescript_DIR}/typescript")
_ns_grammar(ts_tsx "${NS_DEP_tree_sitter_typescript_DIR}/tsx")
