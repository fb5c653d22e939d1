// nodescope's entry point: glue only. Everything testable lives in cli.cpp and the layers below.
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  return nodescope::cli::run(argc, argv, std::cout, std::cerr);
}
