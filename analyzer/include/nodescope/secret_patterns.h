// The well-known secret token formats (AWS, GitHub, Slack, Stripe, Google, PEM keys, JWTs), in
// one place: security/hardcoded-secret reports literals that contain them and `--explain`
// redacts them from code it sends. Header-only; includers link RE2. Patterns only: deciding
// what a match means is the caller's job.
#pragma once

#include <string_view>
#include <vector>

#include <re2/re2.h>

namespace nodescope {

struct SecretFormat {
  std::string_view name;  // shown in messages ("a GitHub token"); never the secret itself
  const RE2* re;
};

// Each format as an unanchored pattern (RE2::PartialMatch / GlobalReplace).
inline const std::vector<SecretFormat>& secret_formats() {
  static const RE2 kAws(R"(\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)");
  static const RE2 kGithub(R"(\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})\b)");
  static const RE2 kSlack(R"(\bxox[abposr]-[0-9A-Za-z-]{10,})");
  static const RE2 kStripe(R"(\b[sr]k_live_[0-9A-Za-z]{16,})");
  static const RE2 kGoogle(R"(\bAIza[0-9A-Za-z_-]{35}\b)");
  static const RE2 kPem(R"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY)");
  static const std::vector<SecretFormat> kAll = {
      {"an AWS access key id", &kAws}, {"a GitHub token", &kGithub},   {"a Slack token", &kSlack},
      {"a Stripe live key", &kStripe}, {"a Google API key", &kGoogle}, {"a PEM private key", &kPem},
  };
  return kAll;
}

// One linear pass that any secret_formats() match needs (most strings fail it).
inline const RE2& secret_formats_prefilter() {
  static const RE2 kAny(R"(AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|k_live_|AIza|-----BEGIN)");
  return kAny;
}

// A whole string that is a JWT (header.payload.signature, both JSON parts base64url "{...").
inline const RE2& jwt_format() {
  static const RE2 kJwt(R"(^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}$)");
  return kJwt;
}

}  // namespace nodescope
