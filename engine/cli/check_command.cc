// decorum check: validate, compile, and run every rule's examples (SPEC §9).
#include <boost/program_options.hpp>
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "cli/rule_options.h"
#include "pipeline/moderator.h"

namespace po = boost::program_options;

namespace decorum::cli {
namespace {

bool RuleHits(const Decision& d, uint32_t rule) {
  for (const auto* list : {&d.hits, &d.shadow}) {
    for (const Hit& h : *list) {
      if (h.rule == rule) return true;
    }
  }
  return false;
}

}  // namespace

int RunCheck(const std::vector<std::string>& args) {
  GenerationRequest request;
  std::string on_error;
  bool quiet = false;
  po::options_description desc(
      "Usage: decorum check [options]\n"
      "Loads and compiles a rule set, reporting every error with file:line:column and rule id,\n"
      "then runs each rule's examples: every 'match' example must hit the rule, no\n"
      "'no_match' example may. Exits 1 if anything failed.\n\nOptions");
  desc.add_options()("help,h", "show this help")("quiet,q", po::bool_switch(&quiet),
                                                 "print only failures and the summary");
  AddRuleOptions(&desc, &request, &on_error);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "decorum check: " << e.what() << "\n\n" << desc << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (!ApplyOnError(on_error, &request)) return 2;

  // With on-error fail a broken set never compiles; check still wants to run the good
  // rules' examples, so it compiles with skip and reports the errors as failures.
  GenerationRequest lenient = request;
  lenient.skip_bad_rules = true;
  GenerationReport report;
  auto built = BuildGeneration(lenient, &report);
  std::set<std::string> failed_ids;
  size_t other_errors = 0;
  for (const auto& e : report.errors) {
    std::cout << "error  " << e.ToString() << "\n";
    if (e.rule_id.empty()) ++other_errors;
    else failed_ids.insert(e.rule_id);
  }
  if (!built.ok()) {
    std::cout << "decorum check: " << built.status().message() << "\n";
    std::cout << report.rules_seen << " loaded, " << report.rules_seen << " failed\n";
    return 1;
  }
  const auto& gen = built.value();
  Moderator moderator(gen, FieldMap(), 1 << 20);
  Decision d;
  size_t examples = 0;
  for (uint32_t r = 0; r < gen->rules().rules.size(); ++r) {
    const Rule& rule = gen->rules().rules[r];
    std::vector<std::string> problems;
    auto run = [&](const std::string& text, bool want) {
      ++examples;
      Status s = moderator.ModerateText(text, &d);
      if (!s.ok()) {
        problems.push_back("example \"" + text + "\": " + s.message());
      } else if (RuleHits(d, r) != want) {
        problems.push_back(std::string(want ? "expected a match in \"" : "expected no match in \"") +
                           text + "\" (normalized: \"" + moderator.normalized().text + "\")");
      }
    };
    for (const auto& t : rule.examples_match) run(t, true);
    for (const auto& t : rule.examples_no_match) run(t, false);
    if (!problems.empty()) {
      failed_ids.insert(rule.id);
      std::cout << "FAIL   " << rule.id << " (" << rule.where.ToString() << ")\n";
      for (const auto& p : problems) std::cout << "         " << p << "\n";
    } else if (!quiet) {
      const size_t n = rule.examples_match.size() + rule.examples_no_match.size();
      std::cout << "ok     " << rule.id << " (" << n << " examples"
                << (rule.shadow ? ", shadow" : "") << ")\n";
    }
  }
  std::cout << report.rules_seen << " loaded, " << failed_ids.size() << " failed";
  if (report.disabled_rules) std::cout << ", " << report.disabled_rules << " disabled";
  if (other_errors) std::cout << ", " << other_errors << " other error(s)";
  std::cout << "; " << examples << " examples, " << gen->pattern_count() << " patterns, "
            << gen->rules().targets.size() << " targets, ruleset " << gen->id()
            << (gen->from_cache() ? " (from cache)" : "") << "\n";
  return failed_ids.empty() && other_errors == 0 ? 0 : 1;
}

}  // namespace decorum::cli
