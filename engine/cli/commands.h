// The `decorum` subcommands. Each parses its own flags (Boost.Program_options), wires the
// engine's stages together and returns the process exit code:
// 0 success, 1 failure (rules, I/O, failed examples), 2 usage error.
#pragma once

#include <string>
#include <vector>

namespace decorum::cli {

int RunScore(const std::vector<std::string>& args);
int RunCheck(const std::vector<std::string>& args);
int RunExplain(const std::vector<std::string>& args);
int RunServe(const std::vector<std::string>& args);
int RunReview(const std::vector<std::string>& args);

}  // namespace decorum::cli
