// `--explain` end to end against a chat-completions server on 127.0.0.1 run by the test (a thread
// with a POSIX socket; no network): explanations in markdown and JSON, no secret in any request,
// failures (HTTP 500, malformed answer, timeout, no key) leave the findings and the markdown as
// they are plus an explain-failed diagnostic, the cache answers a second run, --explain-max caps.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "explain/explain.h"
#include "test_util.h"

namespace nodescope::testing {
namespace {

enum class Mode { kOk, kServerError, kMalformed, kSlow };

// One request at a time, answered per mode; records each request (head and body).
class FakeLlm {
 public:
  explicit FakeLlm(Mode mode) : mode_(mode) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    const int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 8) != 0) {
      return;
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeLlm() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
    for (std::thread& t : workers_) t.join();
  }
  FakeLlm(const FakeLlm&) = delete;
  FakeLlm& operator=(const FakeLlm&) = delete;

  std::string env() const {
    return "OPENAI_BASE_URL=http://127.0.0.1:" + std::to_string(port_) +
           "/v1 OPENAI_API_KEY=test-key OPENAI_MODEL=model-x ";
  }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void serve() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      workers_.emplace_back([this, c] { answer(c); });
    }
  }

  // One connection: read the request, record it, answer per mode (slowly, in kSlow).
  void answer(int c) {
    {
      std::string req;
      char buf[4096];
      std::size_t want = std::string::npos;
      while (true) {
        const ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<std::size_t>(n));
        const std::size_t head = req.find("\r\n\r\n");
        if (head != std::string::npos && want == std::string::npos) {
          const std::size_t cl = req.find("Content-Length: ");
          want = head + 4 + (cl == std::string::npos ? 0 : std::stoul(req.substr(cl + 16)));
        }
        if (want != std::string::npos && req.size() >= want) break;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(req);
      }
      std::string status = "200 OK";
      std::string body =
          R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"  Because EXPLAINED.\nSecond line.\n"}}]})";
      if (mode_ == Mode::kServerError) {
        status = "500 Internal Server Error";
        body = R"({"error":{"message":"boom"}})";
      } else if (mode_ == Mode::kMalformed) {
        body = R"({"choices":[{"message":{"content":)";
      } else if (mode_ == Mode::kSlow) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      }
      const std::string reply =
          "HTTP/1.1 " + status +
          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\nConnection: close\r\n\r\n" + body;
      ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  Mode mode_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> workers_;  // touched by the accept thread, then by the destructor
  std::mutex mu_;
  std::vector<std::string> requests_;
};

// Two findings (code injection, a hardcoded Stripe key) with secrets around them.
class Project {
 public:
  Project() {
    dir_.write("package.json", R"({"name":"p","dependencies":{"express":"^4.18.0"}})");
    dir_.write("src/app.js",
               "const express = require('express');\n"
               "const app = express();\n"
               "const stripeKey = 'sk_live_abcdefghijklmnop1234';\n"
               "const dbPassword = \"hunter2hunter2\";\n"
               "app.get('/run', (req, res) => {\n"
               "  eval(req.query.code); // ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"
               "  res.send('ok');\n"
               "});\n"
               "app.listen(3000);\n");
  }
  std::string path() const { return quote(dir_.path().string()); }

 private:
  TempDir dir_;
};

CommandResult ns(const std::string& env, const std::string& args) {
  return run_command("env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u OPENAI_MODEL " + env + " " +
                     quote(binary()) + " " + args + " 2>/dev/null");
}

// The findings array, minified, for "nothing but diagnostics changed".
std::string findings_of(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) return "(malformed)";
  return simdjson::minify(doc["findings"]);
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(CliExplain, ExplanationsInMarkdownAndJsonWithoutSecrets) {
  Project p;
  FakeLlm llm(Mode::kOk);
  const auto plain_md = ns("", "report " + p.path());
  const auto md = ns(llm.env(), "report " + p.path() + " --explain");
  EXPECT_EQ(md.exit_code, 0);
  EXPECT_TRUE(md.out.starts_with(plain_md.out.substr(0, plain_md.out.size() - 1))) << md.out;
  EXPECT_NE(md.out.find("## Explanations\n"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("  > Because EXPLAINED.\n  > Second line.\n"), std::string::npos);

  const auto json = ns(llm.env(), "scan " + p.path() + " --format json --explain");
  EXPECT_EQ(json.exit_code, ns("", "scan " + p.path() + " --format json").exit_code);
  const std::size_t findings = count(json.out, "\"ruleId\"");
  ASSERT_GE(findings, 2u) << json.out;
  EXPECT_EQ(count(json.out, "\"explanation\": \"Because EXPLAINED.\\nSecond line.\""), findings);

  const auto requests = llm.requests();
  ASSERT_EQ(requests.size(), 2 * findings);
  for (const std::string& r : requests) {
    EXPECT_TRUE(r.starts_with("POST /v1/chat/completions HTTP/1.1\r\n")) << r;
    EXPECT_NE(r.find("Authorization: Bearer test-key\r\n"), std::string::npos);
    EXPECT_NE(r.find("\"model\":\"model-x\""), std::string::npos);
    EXPECT_NE(r.find("Rule: "), std::string::npos);
    EXPECT_NE(r.find("<redacted>"), std::string::npos) << r;
    for (const char* secret : {"sk_live_", "hunter2", "ghp_abc"}) {
      EXPECT_EQ(r.find(secret), std::string::npos) << secret << " in " << r;
    }
  }
}

void expect_failure_leaves_output(Mode mode, std::size_t requests_per_finding,
                                  const std::string& extra) {
  Project p;
  FakeLlm llm(mode);
  const std::string args = " --explain --explain-max 1" + extra;
  const auto plain_md = ns("", "report " + p.path());
  const auto md = ns(llm.env(), "report " + p.path() + args);
  EXPECT_EQ(md.exit_code, plain_md.exit_code);
  EXPECT_EQ(md.out, plain_md.out);
  const auto plain = ns("", "scan " + p.path() + " --format json");
  const auto json = ns(llm.env(), "scan " + p.path() + " --format json" + args);
  EXPECT_EQ(json.exit_code, plain.exit_code);
  EXPECT_EQ(findings_of(json.out), findings_of(plain.out));
  EXPECT_EQ(json.out.find("\"explanation\""), std::string::npos);
  EXPECT_EQ(count(json.out, "\"explain-failed\""), 1u) << json.out;
  EXPECT_EQ(llm.requests().size(), 2 * requests_per_finding);
}

TEST(CliExplain, ServerErrorIsOneDiagnosticAfterOneRetry) {
  expect_failure_leaves_output(Mode::kServerError, 2, "");
}

TEST(CliExplain, MalformedAnswerIsADiagnostic) {
  expect_failure_leaves_output(Mode::kMalformed, 1, "");
}

TEST(CliExplain, TimeoutIsADiagnostic) {
  expect_failure_leaves_output(Mode::kSlow, 1, " --explain-timeout 0.3");
}

TEST(CliExplain, NoKeyIsOneDiagnosticNoModelIsAUsageError) {
  Project p;
  const auto plain = ns("", "scan " + p.path() + " --format json");
  const auto json = ns("OPENAI_MODEL=m", "scan " + p.path() + " --format json --explain");
  EXPECT_EQ(json.exit_code, plain.exit_code);
  EXPECT_EQ(findings_of(json.out), findings_of(plain.out));
  EXPECT_EQ(count(json.out, "\"explain-failed\""), 1u) << json.out;
  EXPECT_EQ(ns("OPENAI_API_KEY=k", "report " + p.path() + " --explain").exit_code, 2);
  const auto usage = run_command("env -u OPENAI_MODEL " + quote(binary()) + " report " + p.path() +
                                 " --explain 2>&1");
  EXPECT_NE(usage.out.find("--explain needs a model"), std::string::npos) << usage.out;
}

TEST(CliExplain, CacheHitMakesNoRequestAndMaxCaps) {
  Project p;
  TempDir cache;
  FakeLlm llm(Mode::kOk);
  const std::string args = "scan " + p.path() + " --format json --explain --explain-max 1 " +
                           "--explain-cache " + quote((cache.path() / "c").string());
  const auto first = ns(llm.env(), args);
  EXPECT_EQ(count(first.out, "\"explanation\""), 1u) << first.out;
  EXPECT_EQ(llm.requests().size(), 1u);
  const auto second = ns(llm.env(), args);
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(llm.requests().size(), 1u);
  // Another model is another answer.
  ns(llm.env(), args + " --explain-model other");
  EXPECT_EQ(llm.requests().size(), 2u);
}

TEST(Explain, RedactsSecretLiteralsAndTokenFormats) {
  using explain::redact_secrets;
  EXPECT_EQ(redact_secrets("const password = 'hunter2';"), "const password = '<redacted>';");
  EXPECT_EQ(redact_secrets("config.apiKey = \"abc\""), "config.apiKey = \"<redacted>\"");
  EXPECT_EQ(redact_secrets("x('a1b2c3d4e5f6a7b8c9d0')"), "x('<redacted>')");
  EXPECT_EQ(redact_secrets("// AKIAABCDEFGHIJKLMNOP\nok('hello world')"),
            "// <redacted>\nok('hello world')");
  EXPECT_EQ(redact_secrets("res.send('ok'); const name = \"users\";"),
            "res.send('ok'); const name = \"users\";");
  EXPECT_EQ(redact_secrets("const s = `${a}`;"), "const s = `${a}`;");
  // A fallback after the name (ghost's docker-database-utils.js), a comparison.
  EXPECT_EQ(redact_secrets("  password: options.password || process.env.PW || 'root',"),
            "  password: options.password || process.env.PW || '<redacted>',");
  EXPECT_EQ(redact_secrets("if (token === 'abc') {"), "if (token === '<redacted>') {");
  // The body of a PEM key in a template literal; long identifiers without digits stay.
  EXPECT_EQ(redact_secrets(
                "const k = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n`;"),
            "const k = `<redacted>-----\n<redacted>\n`;");
  EXPECT_EQ(redact_secrets("handleVeryLongFunctionNameForTheUserProfilePage()"),
            "handleVeryLongFunctionNameForTheUserProfilePage()");
  EXPECT_EQ(redact_secrets("user: 'root', password: 'pw'"), "user: 'root', password: '<redacted>'");
}

TEST(Explain, PromptCarriesRuleSummaryMessageAndRedactedContext) {
  Finding f;
  f.rule_id = "security/code-injection";
  f.message = "eval() of AKIAABCDEFGHIJKLMNOP";
  f.file = "src/a.js";
  f.range.line = 5;
  f.range.end_line = 5;
  std::string source;
  for (int i = 1; i <= 12; ++i) source += "line" + std::to_string(i) + "('a1b2c3d4e5f6a7b8c9d0')\n";
  const std::string p = explain::prompt_for(f, "Summary.", source);
  EXPECT_NE(p.find("Rule: security/code-injection\nRule summary: Summary.\n"), std::string::npos);
  EXPECT_NE(p.find("Finding: eval() of <redacted>\nLocation: src/a.js:5\n"), std::string::npos);
  EXPECT_NE(p.find("    2 | line2('<redacted>')\n"), std::string::npos) << p;
  EXPECT_NE(p.find("    8 | line8("), std::string::npos);
  EXPECT_EQ(p.find("line1("), std::string::npos);
  EXPECT_EQ(p.find("line9("), std::string::npos);
  EXPECT_EQ(p.find("a1b2c3"), std::string::npos);
}

}  // namespace
}  // namespace nodescope::testing
