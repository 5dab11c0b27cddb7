#include "decorum/decision.h"

namespace decorum {

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kAllow: return "allow";
    case Action::kFlag: return "flag";
    case Action::kQuarantine: return "quarantine";
    case Action::kEscalate: return "escalate";
  }
  return "allow";
}

bool ParseAction(std::string_view name, Action* out) {
  for (int i = 0; i < kActionCount; ++i) {
    if (ActionName(static_cast<Action>(i)) == name) {
      *out = static_cast<Action>(i);
      return true;
    }
  }
  return false;
}

}  // namespace decorum
