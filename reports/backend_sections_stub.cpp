// Placeholder for the data sections until the facts work (wt-facts) lands its implementation of
// backend_sections.h: each section prints its heading and "not analysed yet". Delete this file
// at that merge.
#include "backend_sections.h"

namespace nodescope::reports {
namespace {

void placeholder(std::string& out, std::string_view heading) {
  out += "## ";
  out += heading;
  out += "\n\nNot analysed yet.\n\n";
}

void placeholder_json(json::Writer& w) {
  w.StartObject();
  json::key(w, "status");
  json::str(w, "not analysed yet");
  w.EndObject();
}

}  // namespace

void append_database_markdown(std::string& out, const DatabaseFacts&) {
  placeholder(out, "Database Schema 💾");
}
void append_performance_markdown(std::string& out, const PerformanceFacts&) {
  placeholder(out, "Performance Metrics 📊");
}
void append_deployment_markdown(std::string& out, const DeploymentFacts&) {
  placeholder(out, "Deployment Strategy 🚀");
}
void write_database_json(json::Writer& w, const DatabaseFacts&) { placeholder_json(w); }
void write_performance_json(json::Writer& w, const PerformanceFacts&) { placeholder_json(w); }
void write_deployment_json(json::Writer& w, const DeploymentFacts&) { placeholder_json(w); }

}  // namespace nodescope::reports
