#include "cli/rule_options.h"

#include <cstdio>

#include "match/database_cache.h"

namespace po = boost::program_options;

namespace decorum::cli {

void AddRuleOptions(po::options_description* desc, GenerationRequest* request, std::string* on_error) {
  desc->add_options()
      ("rules", po::value<std::string>(&request->rules_dir),
       "rules directory, loaded recursively (default: the built-in pack from rules/)")
      ("on-error", po::value<std::string>(on_error)->default_value("fail"),
       "fail: refuse a rule set with any error; skip: drop only the broken rules")
      ("cache-dir", po::value<std::string>(&request->cache_dir)->default_value(DefaultCacheDir()),
       "where compiled rule databases are cached; empty to disable "
       "(default: $DECORUM_CACHE_DIR, $XDG_CACHE_HOME/decorum or ~/.cache/decorum)");
}

bool ApplyOnError(const std::string& on_error, GenerationRequest* request) {
  if (on_error == "fail" || on_error == "skip") {
    request->skip_bad_rules = on_error == "skip";
    return true;
  }
  std::fprintf(stderr, "decorum: --on-error must be 'fail' or 'skip', not '%s'\n", on_error.c_str());
  return false;
}

std::shared_ptr<const Generation> LoadRulesOrReport(const GenerationRequest& request,
                                                    GenerationReport* report) {
  auto gen = BuildGeneration(request, report);
  for (const auto& e : report->errors) {
    std::fprintf(stderr, "%s%s\n", request.skip_bad_rules && gen.ok() ? "skipped: " : "", e.ToString().c_str());
  }
  if (!gen.ok()) {
    std::fprintf(stderr, "decorum: %s\n", gen.status().message().c_str());
    return nullptr;
  }
  return gen.value();
}

}  // namespace decorum::cli
