// The report sections built from BackendFacts: "## Database Schema 💾", "## Performance Metrics
// 📊" and "## Deployment Strategy 🚀" in markdown (heading included, ending with a blank line),
// and the same content as JSON objects for the report's `summary`. Pure functions.
#pragma once

#include <string>

#include "nodescope/backend_facts.h"

namespace nodescope::reports {

void append_database_markdown(std::string& out, const DatabaseFacts& facts);
void append_performance_markdown(std::string& out, const PerformanceFacts& facts);
void append_deployment_markdown(std::string& out, const DeploymentFacts& facts);

// Each returns one JSON object (pretty-printed by the caller's writer: the text is parsed back
// with RapidJSON and inserted as a value), e.g. {"databases": [...], "orm": [...], ...}.
std::string database_json(const DatabaseFacts& facts);
std::string performance_json(const PerformanceFacts& facts);
std::string deployment_json(const DeploymentFacts& facts);

}  // namespace nodescope::reports
