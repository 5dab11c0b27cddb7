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

}  // namespace decorum
