// Decision: what the engine concluded about one comment (SPEC §5), before encoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace decorum {

// Ordered by severity: a floor or threshold only ever raises the action.
enum class Action : uint8_t { kAllow = 0, kFlag = 1, kQuarantine = 2, kEscalate = 3 };
inline constexpr int kActionCount = 4;

std::string_view ActionName(Action a);
// Parses "allow", "flag", "quarantine", "escalate". Returns false for anything else.
bool ParseAction(std::string_view name, Action* out);

// A byte span [begin, end) in the ORIGINAL comment text.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct TargetMention {
  uint32_t target = 0;  // index into the generation's watchlist
  Span span;            // first mention
};

struct Hit {
  uint32_t rule = 0;     // index into the generation's rule table
  Span span;
  int32_t target = -1;   // index into the watchlist, or -1 when not tied to a target
  double score = 0;      // rule score times the target's protection multiplier
};

// What one plugin's score() contributed (SPEC §8), or why it contributed nothing.
struct PluginResult {
  std::string_view name;   // the instance name; owned by the plugin chain, which outlives
                           // every decision made with it
  double delta = 0;
  Action floor = Action::kAllow;
  Action ceiling = Action::kEscalate;
  std::string reason;
  std::string labels;      // '\n'-separated, as the plugin wrote them
  std::string error;       // non-empty when the call failed; then nothing else counts

  // True when there is something to report: a failure, or any effect on the decision.
  bool Reportable() const {
    return !error.empty() || delta != 0 || floor != Action::kAllow ||
           ceiling != Action::kEscalate || !reason.empty() || !labels.empty();
  }
};

// Indices refer to the Generation that produced the decision; an encoder needs that
// same generation to print names.
struct Decision {
  Action action = Action::kAllow;
  double score = 0;
  std::vector<TargetMention> targets;  // each mentioned target once, in text order
  std::vector<Hit> hits;               // enforce-mode hits that passed unless/about
  std::vector<Hit> shadow;             // shadow-mode hits: reported, never counted
  std::vector<PluginResult> plugins;   // reportable plugin results, in chain order

  void clear() {
    action = Action::kAllow;
    score = 0;
    targets.clear();
    hits.clear();
    shadow.clear();
    plugins.clear();
  }
};

}  // namespace decorum
