#include "decide/policy_decider.h"

#include <algorithm>

namespace decorum {

namespace {

Action ThresholdAction(const Policy& policy, double score) {
  if (score <= 0) return Action::kAllow;
  if (score >= policy.escalate) return Action::kEscalate;
  if (score >= policy.quarantine) return Action::kQuarantine;
  if (score >= policy.flag) return Action::kFlag;
  return Action::kAllow;
}

}  // namespace

Action DecideAction(const Policy& policy, const Evaluation& ev) {
  return std::max(ThresholdAction(policy, ev.score), ev.floor);
}

Action DecideAction(const Policy& policy, const Evaluation& ev, const PluginAdjustment& adj) {
  const Action by_score = std::min(ThresholdAction(policy, ev.score + adj.delta), adj.ceiling);
  return std::max({by_score, ev.floor, adj.floor});
}

}  // namespace decorum
