// libFuzzer target over the whole per-file path: load/classify -> parse -> walk -> rules -> facts
// -> whole-program phase -> reporters, plus the strict JSON checker. The first input byte picks
// the grammar. Built only with clang (-DNODESCOPE_FUZZ=ON); tests/fuzz.sh seeds it with fixtures/.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/engine.h"
#include "facts/json_check.h"
#include "nodescope/reports/reports.h"
#include "nodescope/rule.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nodescope;
  if (size == 0) return 0;
  const auto lang = static_cast<Language>(data[0] % 3);
  const std::string content(reinterpret_cast<const char*>(data + 1), size - 1);
  engine::InputFile file;
  file.rel_path = lang == Language::kTsx          ? "f.tsx"
                  : lang == Language::kTypeScript ? "f.ts"
                                                  : "f.js";
  file.language = lang;
  file.size = content.size();
  file.content = content;
  engine::EngineOptions options;
  options.jobs = 1;
  options.parse_timeout_ms = 2000;
  const ScanResult result = engine::analyze_files({std::move(file)}, all_rules(), options);
  (void)reports::to_json(result, reports::ToolInfo{"nodescope", "fuzz"});
  (void)reports::to_text(result, reports::TextOptions{});
  (void)facts::check_json(content);
  return 0;
}
