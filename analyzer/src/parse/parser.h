// A tree-sitter parser bound to one thread, with a per-file deadline so no file can stall a scan.
// Owns the grammar table (JavaScript, TypeScript, TSX). Produces trees; walking them is the
// engine's job, judging them the rules'.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include <tree_sitter/api.h>

#include "nodescope/result.h"

namespace nodescope::parse {

const TSLanguage* grammar(Language language);

struct TreeDeleter {
  void operator()(TSTree* tree) const { ts_tree_delete(tree); }
};
using TreePtr = std::unique_ptr<TSTree, TreeDeleter>;

class Parser {
 public:
  Parser();
  ~Parser();
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  struct Outcome {
    TreePtr tree;  // null when the parse timed out or failed
    bool timed_out = false;
  };
  Outcome parse(Language language, std::string_view source, std::chrono::milliseconds timeout);

 private:
  TSParser* parser_;
};

}  // namespace nodescope::parse
