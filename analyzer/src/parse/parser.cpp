// tree-sitter parser wrapper (see parser.h). The deadline is checked from tree-sitter's progress
// callback, which the library calls periodically while parsing; returning true cancels the parse.
#include "parse/parser.h"

extern "C" {
const TSLanguage* tree_sitter_javascript(void);
const TSLanguage* tree_sitter_typescript(void);
const TSLanguage* tree_sitter_tsx(void);
}

namespace nodescope::parse {
namespace {

struct Deadline {
  std::chrono::steady_clock::time_point at;
  bool expired = false;
};

bool on_progress(TSParseState* state) {
  auto* deadline = static_cast<Deadline*>(state->payload);
  if (std::chrono::steady_clock::now() >= deadline->at) deadline->expired = true;
  return deadline->expired;
}

}  // namespace

const TSLanguage* grammar(Language language) {
  switch (language) {
    case Language::kJavaScript:
      return tree_sitter_javascript();
    case Language::kTypeScript:
      return tree_sitter_typescript();
    case Language::kTsx:
      return tree_sitter_tsx();
  }
  return tree_sitter_javascript();
}

Parser::Parser() : parser_(ts_parser_new()) {}
Parser::~Parser() { ts_parser_delete(parser_); }

Parser::Outcome Parser::parse(Language language, std::string_view source,
                              std::chrono::milliseconds timeout) {
  Outcome out;
  ts_parser_reset(parser_);
  if (!ts_parser_set_language(parser_, grammar(language))) return out;
  Deadline deadline{std::chrono::steady_clock::now() + timeout};
  TSInput input{};
  struct Payload {
    std::string_view text;
  } payload{source};
  input.payload = &payload;
  input.read = [](void* p, uint32_t byte, TSPoint, uint32_t* bytes_read) -> const char* {
    const auto* pl = static_cast<Payload*>(p);
    if (byte >= pl->text.size()) {
      *bytes_read = 0;
      return "";
    }
    *bytes_read = static_cast<uint32_t>(pl->text.size() - byte);
    return pl->text.data() + byte;
  };
  input.encoding = TSInputEncodingUTF8;
  TSParseOptions options{};
  options.payload = &deadline;
  options.progress_callback = &on_progress;
  out.tree.reset(ts_parser_parse_with_options(parser_, nullptr, input, options));
  if (!out.tree && deadline.expired) out.timed_out = true;
  if (!out.tree) ts_parser_reset(parser_);
  return out;
}

}  // namespace nodescope::parse
