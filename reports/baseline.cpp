// The baseline writer (`nodescope baseline`, see reports.h); engine/baseline.cpp reads it back.
// A pure function of a finished result, written with RapidJSON.
#include <algorithm>
#include <tuple>
#include <vector>

#include "json_writer.h"
#include "nodescope/reports/reports.h"

namespace nodescope::reports {

std::string to_baseline(const ScanResult& result) {
  using json::key;
  using json::str;
  std::vector<const Finding*> order;
  order.reserve(result.findings.size());
  for (const Finding& f : result.findings) order.push_back(&f);
  std::sort(order.begin(), order.end(), [](const Finding* a, const Finding* b) {
    return std::tie(a->file, a->rule_id, a->fingerprint, a->message) <
           std::tie(b->file, b->rule_id, b->fingerprint, b->message);
  });
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  key(w, "version");
  w.Uint(1);
  key(w, "tool");
  str(w, "nodescope");
  key(w, "findings");
  w.StartArray();
  for (const Finding* f : order) {
    w.StartObject();
    key(w, "ruleId");
    str(w, f->rule_id);
    key(w, "file");
    str(w, f->file);
    key(w, "fingerprint");
    str(w, f->fingerprint);
    key(w, "message");
    str(w, f->message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json::finish(buf);
}

}  // namespace nodescope::reports
