// Which files are server code, for the ops rules (ops/console-logging, ops/hardcoded-config): a
// path test only, pure. Test files, scripts, CLIs, seeders, migrations, configuration files, build
// tooling, examples, docs and browser code are not: what they print or hard-code is not what a
// running service does. The rules add what a path cannot say (a shebang, the model's test files).
#pragma once

#include <string>
#include <string_view>

namespace nodescope::rules {

// The reason `path` (relative to the scan root) is not server code, or "" when it is.
inline std::string_view non_server_reason(std::string_view path) {
  std::string p;  // lower-case, with a leading slash so "test/x.js" matches "/test/"
  p.reserve(path.size() + 1);
  p.push_back('/');
  for (char c : path) p.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  const auto has = [&](std::string_view part) { return p.find(part) != std::string::npos; };
  for (std::string_view part :
       {"/test/", "/tests/", "/__tests__/", "/spec/", "/specs/", "/e2e/", "/__mocks__/", "/mocks/",
        "/fixtures/", "/testing/", "/test-utils/", ".test.", ".spec.", ".e2e-spec.", ".e2e.",
        "/jest.", "/vitest.", "/eval/", "/evals/"}) {
    if (has(part)) return "test";
  }
  for (std::string_view part : {"/scripts/", "/script/", "/bin/", "/cli/", "/cli.", "/commands/",
                                "/command/", "/tasks/", "/gulpfile", "/gruntfile", "/jakefile"}) {
    if (has(part)) return "script";
  }
  for (std::string_view part : {"/migrations/", "/migration/", "/migrate/", "/seeders/", "/seeds/",
                                "/seed/", "/seed.", "/seeder.", "/seeding/"}) {
    if (has(part)) return "migration";
  }
  for (std::string_view part :
       {"/config/", "/configs/", "/configuration/", ".config.", "/config.", "/knexfile.",
        "/ormconfig.", "/.eslintrc", "/.prettierrc", "/babel.", "/webpack.", "/rollup.", "/vite.",
        "/esbuild.", "/tsup.", "/ecosystem.", "/nodemon."}) {
    if (has(part)) return "config";
  }
  for (std::string_view part :
       {"/build/",      "/tools/",  "/tooling/",   "/dist/",   "/examples/", "/example/",
        "/demo/",       "/demos/",  "/docs/",      "/doc/",    "/bench/",    "/benchmark/",
        "/benchmarks/", "/public/", "/static/",    "/client/", "/frontend/", "/www/",
        "/assets/",     "/vendor/", "/playground/"}) {
    if (has(part)) return "tooling";
  }
  if (p.ends_with(".jsx") || p.ends_with(".tsx")) return "browser";
  return "";
}

}  // namespace nodescope::rules
