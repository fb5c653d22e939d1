// The RapidJSON writer setup and the two helpers every JSON reporter uses (string_view keys and
// values), so each reporter writes its shape and nothing else. Internal to reports/.
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace nodescope::reports::json {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

inline void key(Writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

inline void str(Writer& w, std::string_view v) {
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

// The buffer's bytes with a final newline (every JSON output ends with one).
inline std::string finish(const rapidjson::StringBuffer& buf) {
  std::string out(buf.GetString(), buf.GetSize());
  out.push_back('\n');
  return out;
}

}  // namespace nodescope::reports::json
