// `--explain`: prompt building with redaction, the on-disk cache, one HTTP exchange per finding
// (libcurl, ADR 0005), request JSON by RapidJSON and answer parsing by simdjson. Failures become
// explain-failed diagnostics; nothing here prints or changes a finding beyond `explanation`.
#include "explain/explain.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>
#include <utility>
#include <vector>

#include <curl/curl.h>
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <re2/re2.h>
#include <simdjson.h>
#include <xxhash.h>

#include "nodescope/secret_patterns.h"

namespace nodescope::explain {
namespace {

namespace stdfs = std::filesystem;

constexpr std::string_view kRedacted = "<redacted>";
constexpr std::size_t kContextLines = 3;          // lines shown before and after the finding
constexpr std::size_t kMaxLineChars = 200;        // longer lines are cut (minified code)
constexpr std::size_t kMaxAnswerBytes = 1 << 20;  // a bigger HTTP body is a failure
constexpr std::size_t kMaxExplanationChars = 2000;

constexpr std::string_view kSystemPrompt =
    "You explain findings of nodescope, a static analyzer for Node.js backends, to the "
    "developer who owns the code. In at most three short plain-text sentences say why the "
    "finding matters in this code and how to fix it. If the code shows it is a false positive, "
    "say so. Do not repeat the finding's message.";

bool has_letter_and_digit(std::string_view s) {
  const bool letter = std::any_of(
      s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
  const bool digit = std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  return letter && digit;
}

// A literal's content that looks like a key or token on its own: long, no spaces, letters and
// digits (hashes, API keys, random passwords).
bool looks_like_key(std::string_view s) {
  if (s.size() < 16) return false;
  if (s.find_first_of(" \t/") != std::string_view::npos && !RE2::PartialMatch(s, jwt_format())) {
    return false;
  }
  return has_letter_and_digit(s);
}

// Earlier on the literal's line a secret name is assigned or compared (password: "...",
// apiKey = '...', password: opts.password || 'root', token === '...'): every literal after it
// goes. Over-redacting a prompt costs little; sending a fallback password does not.
bool named_secret(std::string_view before) {
  static const RE2 kName(
      R"((?i)(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)[A-Za-z0-9_]*["'\]]?\s*[:=])");
  return RE2::PartialMatch(before, kName);
}

std::string redact_line(std::string_view line) {
  // String literals on one line: "..." '...' `...` with escapes.
  static const RE2 kLiteral(R"(("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`))");
  std::string out;
  std::string_view rest = line;
  re2::StringPiece piece;
  while (RE2::PartialMatch(rest, kLiteral, &piece)) {
    const std::string_view lit(piece.data(), piece.size());
    const std::size_t at = static_cast<std::size_t>(lit.data() - rest.data());
    out.append(rest.substr(0, at));
    const std::string_view content = lit.substr(1, lit.size() - 2);
    const std::string before = out;  // the whole line so far
    const bool secret = !content.empty() && (looks_like_key(content) || named_secret(before));
    if (secret) {
      out += lit.front();
      out += kRedacted;
      out += lit.back();
    } else {
      out.append(lit);
    }
    rest = rest.substr(at + lit.size());
  }
  out.append(rest);
  // Well-known formats anywhere (comments, unterminated literals, template pieces).
  for (const SecretFormat& f : secret_formats()) {
    RE2::GlobalReplace(&out, *f.re, std::string(kRedacted));
  }
  // Long key-like runs outside one-line literals: the body lines of a PEM key or a token in a
  // multi-line template literal.
  static const RE2 kRun(R"(([A-Za-z0-9+/=_-]{32,}))");
  std::string kept;
  std::string_view scan = out;
  re2::StringPiece run;
  bool changed = false;
  while (RE2::PartialMatch(scan, kRun, &run)) {
    const std::string_view r(run.data(), run.size());
    const std::size_t at = static_cast<std::size_t>(r.data() - scan.data());
    kept.append(scan.substr(0, at));
    if (has_letter_and_digit(r)) {
      kept += kRedacted;
      changed = true;
    } else {
      kept.append(r);
    }
    scan = scan.substr(at + r.size());
  }
  if (!changed) return out;
  kept.append(scan);
  return kept;
}

std::string hex64(std::uint64_t v) { return fmt::format("{:016x}", v); }

std::optional<std::string> read_cache(const stdfs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return std::nullopt;
  std::string s = text.str();
  if (s.empty()) return std::nullopt;
  return s;
}

// Written beside, then renamed: a reader never sees half an answer. Failure only loses the cache.
void write_cache(const stdfs::path& dir, const stdfs::path& file, const std::string& text) {
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  const stdfs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return;
  }
  stdfs::rename(tmp, file, ec);
  if (ec) stdfs::remove(tmp, ec);
}

std::string request_body(std::string_view model, std::string_view prompt) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&w](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  str("model");
  str(model);
  str("messages");
  w.StartArray();
  w.StartObject();
  str("role");
  str("system");
  str("content");
  str(kSystemPrompt);
  w.EndObject();
  w.StartObject();
  str("role");
  str("user");
  str("content");
  str(prompt);
  w.EndObject();
  w.EndArray();
  str("temperature");
  w.Int(0);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  if (body->size() + n > kMaxAnswerBytes) return 0;  // curl then fails with a write error
  body->append(data, n);
  return n;
}

struct Exchange {
  bool ok = false;
  bool retryable = false;
  std::string text;  // the explanation when ok, else why not
};

Exchange post_once(const ExplainOptions& options, const std::string& body) {
  Exchange ex;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    ex.text = "libcurl could not start a request";
    return ex;
  }
  std::string url = options.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/chat/completions";
  const std::string auth = "Authorization: Bearer " + options.api_key;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip before the body
  std::string answer;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads and timeouts without SIGALRM
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "nodescope");
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);

  if (rc == CURLE_OPERATION_TIMEDOUT) {
    ex.text = fmt::format("the request to {} timed out", url);
    return ex;  // waiting twice as long is not worth it
  }
  if (rc != CURLE_OK) {
    ex.text = fmt::format("the request to {} failed: {}", url, curl_easy_strerror(rc));
    ex.retryable = rc == CURLE_COULDNT_CONNECT || rc == CURLE_RECV_ERROR ||
                   rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING;
    return ex;
  }
  if (status != 200) {
    ex.text = fmt::format("{} answered HTTP {}", url, status);
    ex.retryable = status == 429 || status >= 500;
    return ex;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(answer).get(doc) != simdjson::SUCCESS) {
    ex.text = fmt::format("{} answered with malformed JSON", url);
    return ex;
  }
  std::string_view content;
  if (doc["choices"].at(0)["message"]["content"].get(content) != simdjson::SUCCESS) {
    ex.text = fmt::format("{} answered without choices[0].message.content", url);
    return ex;
  }
  std::string text(content);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  const std::size_t start = text.find_first_not_of(" \n\r\t");
  text = start == std::string::npos ? std::string() : text.substr(start);
  if (text.empty()) {
    ex.text = fmt::format("{} answered with an empty explanation", url);
    return ex;
  }
  if (text.size() > kMaxExplanationChars) {
    std::size_t cut = kMaxExplanationChars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
    text.resize(cut);
    text += "…";
  }
  ex.ok = true;
  ex.text = std::move(text);
  return ex;
}

Exchange post(const ExplainOptions& options, const std::string& body) {
  Exchange ex = post_once(options, body);
  if (!ex.ok && ex.retryable) ex = post_once(options, body);  // one retry, no more
  return ex;
}

Diagnostic failure(const Finding& f, std::string why) {
  Diagnostic d;
  d.file = f.file;
  d.line = f.range.line;
  d.column = f.range.column;
  d.kind = std::string(diag::kExplainFailed);
  d.message = fmt::format("no explanation for {}: {}", f.rule_id, why);
  return d;
}

}  // namespace

std::string redact_secrets(std::string_view code) {
  std::string out;
  std::string_view rest = code;
  while (true) {
    const std::size_t nl = rest.find('\n');
    out += redact_line(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    out += '\n';
    rest = rest.substr(nl + 1);
  }
  return out;
}

std::string prompt_for(const Finding& f, std::string_view summary, std::string_view source) {
  std::string code;
  const std::size_t first = f.range.line > kContextLines ? f.range.line - kContextLines : 1;
  const std::size_t last = std::max<std::size_t>(f.range.end_line, f.range.line) + kContextLines;
  std::size_t line_no = 1;
  std::string_view rest = source;
  while (line_no <= last && !rest.empty()) {
    const std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no >= first) {
      // Redact the whole line first, then cut, so a cut never splits a secret out of a pattern.
      std::string shown = redact_line(line);
      if (shown.size() > kMaxLineChars) {
        std::size_t cut = kMaxLineChars;
        while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
        shown.resize(cut);
        shown += " …";
      }
      code += fmt::format("{:>5} | {}\n", line_no, shown);
    }
    if (nl == std::string_view::npos) break;
    rest = rest.substr(nl + 1);
    ++line_no;
  }
  std::string prompt = fmt::format("Rule: {}\n", f.rule_id);
  if (!summary.empty()) prompt += fmt::format("Rule summary: {}\n", summary);
  // Messages quote code now and then: the token formats go, as in the code below.
  std::string message = f.message;
  for (const SecretFormat& format : secret_formats()) {
    RE2::GlobalReplace(&message, *format.re, std::string(kRedacted));
  }
  prompt += fmt::format("Finding: {}\nLocation: {}:{}\n", message, f.file, f.range.line);
  if (!code.empty()) prompt += fmt::format("Code (secrets redacted):\n{}", code);
  return prompt;
}

void explain_findings(ScanResult& result, const ExplainOptions& options,
                      const SourceReader& read_source, const RuleSummary& summary_of) {
  const std::size_t n = std::min(options.max, result.findings.size());
  if (n == 0) return;
  std::vector<Diagnostic> failures;
  if (options.api_key.empty()) {
    Diagnostic d;
    d.kind = std::string(diag::kExplainFailed);
    d.message =
        "no explanations: OPENAI_API_KEY is not set; set it (and OPENAI_BASE_URL for an endpoint "
        "other than OpenAI's) to use --explain";
    result.diagnostics.push_back(std::move(d));
  } else {
    static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    // Each source file is read once, however many findings it has.
    std::string cached_file;
    std::optional<std::string> cached_text;
    for (std::size_t i = 0; i < n; ++i) {
      Finding& f = result.findings[i];
      if (f.file != cached_file || i == 0) {
        cached_file = f.file;
        cached_text = read_source(f.file);
      }
      const std::string prompt =
          prompt_for(f, summary_of(f.rule_id), cached_text ? *cached_text : std::string());
      const std::string body = request_body(options.model, prompt);
      // The key hashes what decides the answer: model, system prompt and user prompt.
      const std::string keyed = fmt::format("{}\n{}\n{}", options.model, kSystemPrompt, prompt);
      const stdfs::path cache_file =
          options.cache_dir.empty() ? stdfs::path()
                                    : stdfs::path(options.cache_dir) /
                                          (hex64(XXH3_64bits(keyed.data(), keyed.size())) + ".txt");
      if (!cache_file.empty()) {
        if (auto hit = read_cache(cache_file)) {
          f.explanation = std::move(*hit);
          continue;
        }
      }
      if (!curl_ready) {
        failures.push_back(failure(f, "libcurl could not be initialised"));
        continue;
      }
      Exchange ex = post(options, body);
      if (!ex.ok) {
        failures.push_back(failure(f, std::move(ex.text)));
        continue;
      }
      if (!cache_file.empty()) write_cache(options.cache_dir, cache_file, ex.text);
      f.explanation = std::move(ex.text);
    }
  }
  std::move(failures.begin(), failures.end(), std::back_inserter(result.diagnostics));
  std::sort(result.diagnostics.begin(), result.diagnostics.end(),
            [](const Diagnostic& a, const Diagnostic& b) {
              return std::tie(a.file, a.line, a.column, a.kind, a.message) <
                     std::tie(b.file, b.line, b.column, b.kind, b.message);
            });
}

}  // namespace nodescope::explain
