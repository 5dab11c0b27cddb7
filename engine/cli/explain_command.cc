// decorum explain TEXT: why a comment gets its action (SPEC §9).
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/rule_options.h"
#include "pipeline/moderator.h"
#include "rules/rule_set.h"
#include "sinks/decision_encoder.h"
#include "sinks/json_writer.h"

namespace po = boost::program_options;

namespace decorum::cli {
namespace {

std::string Quote(std::string_view s) {
  std::string q;
  AppendJsonString(&q, s);
  return q;
}

void PrintHits(const Generation& gen, std::string_view text, const std::vector<Hit>& hits) {
  for (const Hit& h : hits) {
    const Rule& rule = gen.rules().rules[h.rule];
    std::cout << "  " << rule.id << " (" << CategoryName(rule.category) << ") [" << h.span.begin << ","
              << h.span.end << ") " << Quote(text.substr(h.span.begin, h.span.end - h.span.begin))
              << " score " << rule.score;
    if (h.target >= 0) {
      const Target& t = gen.rules().targets[h.target];
      std::cout << " x" << gen.rules().policy.protection[static_cast<int>(t.protection)] << " ("
                << ProtectionName(t.protection) << " protection) = " << h.score << " -> " << t.id;
    }
    if (rule.min_action != Action::kAllow) std::cout << ", at least " << ActionName(rule.min_action);
    std::cout << "\n";
  }
}

}  // namespace

int RunExplain(const std::vector<std::string>& args) {
  GenerationRequest request;
  std::string on_error;
  std::vector<std::string> words;
  po::options_description desc(
      "Usage: decorum explain TEXT [options]\n"
      "Shows the normalized text, every hit with its span in the original text, the targets\n"
      "mentioned, and the decision with the reasons for it.\n\nOptions");
  desc.add_options()("help,h", "show this help");
  AddRuleOptions(&desc, &request, &on_error);
  po::options_description hidden;
  hidden.add_options()("text", po::value<std::vector<std::string>>(&words));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("text", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "decorum explain: " << e.what() << "\n\n" << desc << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (words.empty()) {
    std::cerr << "decorum explain: no TEXT given\n\n" << desc << "\n";
    return 2;
  }
  if (!ApplyOnError(on_error, &request)) return 2;
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "" : " ") + w;

  GenerationReport report;
  auto gen = LoadRulesOrReport(request, &report);
  if (!gen) return 1;
  Moderator moderator(gen, FieldMap(), 1 << 20);
  Decision d;
  Status s = moderator.ModerateText(text, &d);
  if (!s.ok()) {
    std::cerr << "decorum explain: " << s.message() << "\n";
    return 1;
  }
  const RuleSet& set = gen->rules();
  std::cout << "original:   " << Quote(text) << "\n";
  std::cout << "normalized: " << Quote(moderator.normalized().text) << "\n";
  std::cout << "targets:" << (d.targets.empty() ? " none" : "") << "\n";
  for (const auto& t : d.targets) {
    const Target& target = set.targets[t.target];
    std::cout << "  " << target.id << " (" << target.name << ", " << ProtectionName(target.protection)
              << " protection) first at [" << t.span.begin << "," << t.span.end << ") "
              << Quote(std::string_view(text).substr(t.span.begin, t.span.end - t.span.begin)) << "\n";
  }
  std::cout << "hits:" << (d.hits.empty() ? " none" : "") << "\n";
  PrintHits(*gen, text, d.hits);
  if (!d.shadow.empty()) {
    std::cout << "shadow (reported, not counted):\n";
    PrintHits(*gen, text, d.shadow);
  }
  std::cout << "decision:   " << ActionName(d.action) << " (score " << d.score << "; thresholds flag "
            << set.policy.flag << ", quarantine " << set.policy.quarantine << ", escalate "
            << set.policy.escalate << "; each rule counts once)\n";
  Comment c;
  c.text = text;
  std::string json;
  AppendDecisionRecord(*gen, c, d, 1, &json);
  std::cout << "record:     " << json;
  return 0;
}

}  // namespace decorum::cli
