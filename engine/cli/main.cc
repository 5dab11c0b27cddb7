// decorum: the command-line front end. Dispatches to a subcommand; nothing else.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <hs/hs.h>

#include "cli/commands.h"
#include "decorum/plugin.h"
#include "serve/log_setup.h"

namespace {

constexpr const char* kUsage =
    "decorum - a content-moderation rules engine for comment streams\n"
    "\n"
    "Usage: decorum COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  score DUMP...   batch-score NDJSON comment dumps (plain, .gz, .zst)\n"
    "  check           validate and compile rules, run every rule's examples\n"
    "  explain TEXT    show how one comment is normalized, matched and decided\n"
    "  serve           the daemon: NDJSON over stdin, TCP and Unix sockets; HTTP; metrics\n"
    "  review          the quarantine queue: list, show, approve, reject held comments\n"
    "\n"
    "Run 'decorum COMMAND --help' for a command's options; 'decorum --version' for the\n"
    "versions of decorum, its plugin ABI and Hyperscan.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    // What an operator needs to match a bug report or a plugin build: the plugin ABI a
    // plugin must be built for, and the Hyperscan whose databases the cache holds.
    std::printf("decorum %s (plugin ABI %d.%d, Hyperscan %s)\n", DECORUM_VERSION, DECORUM_PLUGIN_ABI_MAJOR,
                DECORUM_PLUGIN_ABI_MINOR, hs_version());
    return 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  // Standard output carries records (score, explain): every log line — plugins loading,
  // a plugin failing — goes to standard error, whatever the command. serve reconfigures
  // it from its settings.
  decorum::serve::SetUpLogging("text", "info");
  if (command == "score") return decorum::cli::RunScore(args);
  if (command == "check") return decorum::cli::RunCheck(args);
  if (command == "explain") return decorum::cli::RunExplain(args);
  if (command == "serve") return decorum::cli::RunServe(args);
  if (command == "review") return decorum::cli::RunReview(args);
  std::fprintf(stderr, "decorum: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
