// Unit tests of the engine's overlay (EngineOptions::overlay, what `scan --staged` hands it) and
// progress callback: overlaid contents replace the files on disk, nullopt drops a file, a missing
// file joins the scan unless it lies in an excluded folder, and the callback sees every file once.
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "engine/engine.h"
#include "nodescope/rule.h"
#include "test_util.h"

namespace nodescope::testing {
namespace {

std::set<std::string> finding_files(const ScanResult& r) {
  std::set<std::string> files;
  for (const Finding& f : r.findings) files.insert(f.file + ":" + std::to_string(f.range.line));
  return files;
}

TEST(EngineOverlay, ReplacesDropsAndAddsFiles) {
  TempDir dir;
  dir.write("disk.js", "eval(process.argv[2]);\n");
  dir.write("fixed.js", "eval(process.argv[2]);\n");
  dir.write("broken.js", "module.exports = 1;\n");
  engine::EngineOptions options;
  options.jobs = 2;
  options.overlay["fixed.js"] = std::string("module.exports = 1;\n");
  options.overlay["broken.js"] = std::string("\neval(process.argv[2]);\n");
  options.overlay["disk.js"] = std::nullopt;  // staged as deleted
  options.overlay["only-staged.js"] = std::string("eval(process.argv[2]);\n");
  options.overlay["dist/bundle.js"] = std::string("eval(process.argv[2]);\n");  // excluded
  options.overlay["notes.md"] = std::string("eval(x)\n");                       // not a source
  std::atomic<std::size_t> calls{0};
  std::atomic<std::size_t> total{0};
  options.progress = [&](std::size_t, std::size_t t) {
    calls.fetch_add(1);
    total.store(t);
  };
  auto r = engine::scan(dir.path(), {}, all_rules(), options, fs::DiscoveryOptions{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(finding_files(*r), (std::set<std::string>{"broken.js:2", "only-staged.js:1"}));
  EXPECT_EQ(r->stats.files, 3u);
  EXPECT_EQ(calls.load(), 3u);
  EXPECT_EQ(total.load(), 3u);
}

}  // namespace
}  // namespace nodescope::testing
