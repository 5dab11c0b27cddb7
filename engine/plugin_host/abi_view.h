// AbiView: one comment and its evaluation seen through the plugin ABI's C structs
// (decorum_comment, decorum_hit, decorum_target), built from the engine's own types.
//
// Every string is a view into the Comment, the Generation's rule table or this object's
// id buffer; the vectors are reused, so building a view allocates nothing once warm.
//
// Thread safety: none; one per Moderator. Valid until the next Build() and only while
// the Comment, Decision and Generation it was built from are unchanged.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "decorum/comment.h"
#include "decorum/decision.h"
#include "decorum/plugin.h"
#include "match/generation.h"

namespace decorum {

inline decorum_str AbiStr(std::string_view s) { return decorum_str{s.data(), s.size()}; }
inline decorum_action AbiAction(Action a) { return static_cast<decorum_action>(a); }
inline Action EngineAction(decorum_action a) {
  if (a <= DECORUM_ACTION_ALLOW) return Action::kAllow;
  if (a >= DECORUM_ACTION_ESCALATE) return Action::kEscalate;
  return static_cast<Action>(a);
}

// The pointers a plugin call needs, whoever owns what they point to.
struct AbiArgs {
  const decorum_comment* comment = nullptr;
  const decorum_hit* hits = nullptr;
  size_t hit_count = 0;
  const decorum_target* targets = nullptr;
  size_t target_count = 0;
  decorum_str ruleset{};
};

class AbiView {
 public:
  // A comment without an id is identified by `fallback_id`, as in its decision record.
  void Build(const Generation& gen, const Comment& comment, uint64_t fallback_id,
             const Decision& decision);

  const decorum_comment* comment() const { return &comment_; }
  const decorum_hit* hits() const { return hits_.data(); }
  size_t hit_count() const { return hits_.size(); }
  const decorum_target* targets() const { return targets_.data(); }
  size_t target_count() const { return targets_.size(); }
  decorum_str ruleset() const { return ruleset_; }
  AbiArgs args() const {
    return {&comment_, hits_.data(), hits_.size(), targets_.data(), targets_.size(), ruleset_};
  }

 private:
  decorum_comment comment_{};
  std::vector<decorum_hit> hits_;
  std::vector<decorum_target> targets_;
  decorum_str ruleset_{};
  std::string id_buffer_;
};

// A deep copy of AbiArgs that owns every byte, for a call that may outlive the caller
// that made it (a call abandoned past its budget, call_budget.h). Allocates: only used for
// plugins that have a budget.
class AbiSnapshot {
 public:
  explicit AbiSnapshot(const AbiArgs& args, std::string_view extra = {});
  AbiSnapshot(const AbiSnapshot&) = delete;
  AbiSnapshot& operator=(const AbiSnapshot&) = delete;

  AbiArgs args() const {
    return {&comment_, hits_.data(), hits_.size(), targets_.data(), targets_.size(), ruleset_};
  }
  // A copy of `extra` (the decision record for on_decision).
  decorum_str extra() const { return extra_; }

 private:
  decorum_str Own(decorum_str s);

  std::deque<std::string> strings_;  // a deque: growing it never moves a string
  decorum_comment comment_{};
  std::vector<decorum_hit> hits_;
  std::vector<decorum_target> targets_;
  decorum_str ruleset_{};
  decorum_str extra_{};
};

}  // namespace decorum
