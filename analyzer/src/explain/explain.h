// `--explain` (#6): asks an OpenAI-compatible chat-completions endpoint for a short explanation
// of the first N findings of a finished scan and stores it in Finding::explanation. Sends the
// rule id, its summary, the message and a few lines of code with secrets redacted; caches answers
// only in the folder it is given. Never changes a finding's other fields, never adds or removes
// one: a failure is one `explain-failed` diagnostic. Does not parse flags or print (cli does).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "nodescope/result.h"

namespace nodescope::explain {

struct ExplainOptions {
  std::string base_url;   // e.g. https://api.openai.com/v1; "/chat/completions" is appended
  std::string api_key;    // empty: no request is made (one diagnostic)
  std::string model;      // required
  std::string cache_dir;  // empty: no cache; else answers are read from and written to it
  std::size_t max = 20;   // findings explained, in the result's order
  long connect_timeout_ms = 5000;
  long timeout_ms = 30000;  // per request
};

// A finding's source text, by its path relative to the scan root (nullopt: unreadable).
using SourceReader = std::function<std::optional<std::string>(const std::string& file)>;
// A rule's one-sentence summary by id (empty when unknown).
using RuleSummary = std::function<std::string(std::string_view rule_id)>;

// Replaces, in code about to leave the machine, string literals that look like keys, tokens or
// passwords and any well-known token format (nodescope/secret_patterns.h) with <redacted>.
std::string redact_secrets(std::string_view code);

// The user message sent for one finding (rule, summary, message, redacted code around it).
std::string prompt_for(const Finding& f, std::string_view summary, std::string_view source);

// Explains result.findings[0, max) in place; appends an explain-failed diagnostic per failure
// (one scan-wide one when no key is set) and keeps result.diagnostics sorted.
void explain_findings(ScanResult& result, const ExplainOptions& options,
                      const SourceReader& read_source, const RuleSummary& summary_of);

}  // namespace nodescope::explain
