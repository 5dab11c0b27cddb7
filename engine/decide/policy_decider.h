// The last stage of deciding: a comment's total score and floor against the policy.
#pragma once

#include "decorum/decision.h"
#include "evaluate/evaluator.h"
#include "rules/rule_set.h"

namespace decorum {

// The highest action whose threshold the score reaches (allow below `flag`), raised to
// the evaluation's floor. A threshold of 0 would act on every comment, so a score of 0
// never reaches one: only a real hit can move a comment off `allow`.
Action DecideAction(const Policy& policy, const Evaluation& ev);

// What the plugins' score() calls add up to (plugin.h, decorum_score_result).
struct PluginAdjustment {
  double delta = 0;                    // sum of deltas
  Action floor = Action::kAllow;       // highest floor
  Action ceiling = Action::kEscalate;  // lowest ceiling
};

// With plugins: the threshold action for ev.score + adj.delta, lowered to adj.ceiling,
// then raised to the rules' floor and adj.floor — a floor always wins over a ceiling,
// so a plugin's grace can soften what the score says but never what a rule demands.
Action DecideAction(const Policy& policy, const Evaluation& ev, const PluginAdjustment& adj);

}  // namespace decorum
