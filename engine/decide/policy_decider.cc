#include "decide/policy_decider.h"

#include <algorithm>

namespace decorum {

Action DecideAction(const Policy& policy, const Evaluation& ev) {
  Action a = Action::kAllow;
  if (ev.score > 0) {
    if (ev.score >= policy.escalate) a = Action::kEscalate;
    else if (ev.score >= policy.quarantine) a = Action::kQuarantine;
    else if (ev.score >= policy.flag) a = Action::kFlag;
  }
  return std::max(a, ev.floor);
}

}  // namespace decorum
