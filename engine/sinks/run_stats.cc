#include "sinks/run_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace decorum {

void RunStats::Count(const Generation& gen, const Decision& d) {
  const RuleSet& set = gen.rules();
  if (rule_hits.size() != set.rules.size()) rule_hits.assign(set.rules.size(), 0);
  if (target_hits.size() != set.targets.size()) target_hits.assign(set.targets.size(), 0);
  ++by_action[static_cast<int>(d.action)];
  // Hits are sorted by span, not rule: count each rule once per comment.
  for (size_t i = 0; i < d.hits.size(); ++i) {
    bool first = true;
    for (size_t j = 0; j < i && first; ++j) first = d.hits[j].rule != d.hits[i].rule;
    if (first) ++rule_hits[d.hits[i].rule];
  }
  for (const auto& t : d.targets) ++target_hits[t.target];
}

void RunStats::Merge(const RunStats& o) {
  for (int i = 0; i < kActionCount; ++i) by_action[i] += o.by_action[i];
  errors += o.errors;
  not_stored += o.not_stored;
  comments += o.comments;
  input_bytes += o.input_bytes;
  auto add = [](std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
    if (a.size() < b.size()) a.resize(b.size(), 0);
    for (size_t i = 0; i < b.size(); ++i) a[i] += b[i];
  };
  add(rule_hits, o.rule_hits);
  add(target_hits, o.target_hits);
}

namespace {

template <typename NameOf>
std::string Top(const std::vector<uint64_t>& counts, size_t top, NameOf name) {
  std::vector<size_t> idx(counts.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return counts[a] > counts[b]; });
  std::string s;
  for (size_t i = 0; i < idx.size() && i < top && counts[idx[i]] > 0; ++i) {
    s += fmt::format("{}{} {}", s.empty() ? "" : ", ", name(idx[i]), counts[idx[i]]);
  }
  return s.empty() ? "none" : s;
}

}  // namespace

std::string RunStats::Summary(const Generation& gen, double seconds, size_t top) const {
  const double secs = std::max(seconds, 1e-9);
  std::string s = fmt::format(
      "decorum: {} comments in {:.2f} s ({:.0f} comments/s, {:.1f} MB/s), ruleset {}\n", comments,
      seconds, comments / secs, input_bytes / secs / 1e6, gen.id());
  s += "  actions: ";
  for (int i = 0; i < kActionCount; ++i) {
    s += fmt::format("{} {}  ", ActionName(static_cast<Action>(i)), by_action[i]);
  }
  s += fmt::format("error {}", errors);
  if (not_stored) s += fmt::format(" ({} not stored by a plugin)", not_stored);
  s += '\n';
  s += "  top rules: " +
       Top(rule_hits, top, [&](size_t i) { return gen.rules().rules[i].id; }) + "\n";
  s += "  top targets: " +
       Top(target_hits, top, [&](size_t i) { return gen.rules().targets[i].id; }) + "\n";
  return s;
}

}  // namespace decorum
