// Building the per-grammar dispatch tables (see dispatch.h).
#include "engine/dispatch.h"

#include <string_view>

#include "facts/file_facts.h"
#include "parse/parser.h"

namespace nodescope::engine {

DispatchTable::DispatchTable(std::span<const Rule* const> rules, bool model) {
  for (Language lang : {Language::kJavaScript, Language::kTypeScript, Language::kTsx}) {
    const TSLanguage* grammar = parse::grammar(lang);
    const std::uint32_t count = ts_language_symbol_count(grammar);
    auto& table = tables_[static_cast<std::size_t>(lang)];
    table.assign(count, {});
    auto& skip = skip_[static_cast<std::size_t>(lang)];
    skip.assign(count, false);
    for (std::uint32_t sym = 0; sym < count; ++sym) {
      const auto s = static_cast<TSSymbol>(sym);
      if (ts_language_symbol_type(grammar, s) != TSSymbolTypeRegular) continue;
      for (std::string_view kind : kOpaqueKinds) {
        if (kind == ts_language_symbol_name(grammar, s)) skip[sym] = true;
      }
    }
    auto subscribe = [&](std::string_view kind, std::int32_t who) {
      for (std::uint32_t sym = 0; sym < count; ++sym) {
        const auto s = static_cast<TSSymbol>(sym);
        if (ts_language_symbol_type(grammar, s) == TSSymbolTypeAuxiliary) continue;
        if (kind == ts_language_symbol_name(grammar, s)) table[sym].push_back(who);
      }
    };
    for (std::string_view kind : facts::extractor_node_kinds(model)) subscribe(kind, kExtractor);
    for (std::size_t i = 0; i < rules.size(); ++i) {
      for (std::string_view kind : rules[i]->meta().node_kinds) {
        subscribe(kind, static_cast<std::int32_t>(i));
      }
    }
  }
}

}  // namespace nodescope::engine
