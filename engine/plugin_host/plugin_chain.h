// PluginChain: the configured plugin instances, in configuration order, and the engine's
// side of every call into them (SPEC §8).
//
// The chain is what the moderation pipeline sees of plugins: Score() between evaluation
// and the final action, Act() once the decision record is encoded, Flush() before any
// record is written or acknowledged. A failing score() never costs a comment its
// decision: the failure is counted, logged (at most once a second per instance and call,
// with the number suppressed), reported in the decision's `plugins` array, and the
// comment is decided without that plugin. A failing on_decision() of a plugin that
// stores decisions is returned by Act(), so that the comment's record does not claim a
// decision the store never took.
//
// Lifetime: built whole or not at all (Create destroys what it created when a later
// instance fails); destroying the chain flushes and destroys the instances in reverse
// order, then closes the libraries. A reload builds a new chain; comments in flight keep
// the old one alive through their shared_ptr.
//
// A plugin configured with `call_timeout_ms` is called through a CallBudget: a call that
// overruns is abandoned (a score() is decided without; an on_decision() as Act() says) and
// the instance is skipped until that call returns.
//
// Thread safety: Score() and Act() from any number of threads; instances that declare
// DECORUM_CAP_SERIAL are called under their own mutex. Flush() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "decide/policy_decider.h"
#include "decorum/decision.h"
#include "decorum/plugin.h"
#include "decorum/status.h"
#include "plugin_host/abi_view.h"
#include "plugin_host/call_budget.h"
#include "plugin_host/call_counters.h"
#include "plugin_host/plugin_library.h"
#include "plugin_host/plugin_spec.h"

namespace decorum {

class PluginChain {
 public:
  // Opens every library and creates every instance, in order. Errors name the instance:
  // "plugin 'pile_on': cannot load /x/pile_on.so: ...", "plugin 'q': create failed: ...".
  static Result<std::shared_ptr<PluginChain>> Create(const std::vector<PluginSpec>& specs);
  ~PluginChain();
  PluginChain(const PluginChain&) = delete;
  PluginChain& operator=(const PluginChain&) = delete;

  size_t size() const { return instances_.size(); }
  bool has_scorers() const { return has_scorers_; }
  bool has_actors() const { return has_actors_; }
  // True when some acting plugin wants decisions with this action (act_min_action).
  bool acts_on(Action action) const { return has_actors_ && action >= min_act_action_; }
  // True when some scorer wants comments without hits too (score_only_with_hits == 0).
  bool scores_every_comment() const { return scores_every_comment_; }

  // Calls score() on each scoring instance (skipping those that only want comments with
  // hits when there are none). Appends each reportable result to decision->plugins and
  // returns their sum. `rules_score`, `rules_action` and `rules_floor` describe the
  // decision before plugins.
  PluginAdjustment Score(const AbiView& view, double rules_score, Action rules_action,
                         Action rules_floor, Decision* decision);

  // Calls on_decision() on each acting instance whose act_min_action <= action.
  // `record_json` is the decision record as written, without its newline. Every failure
  // is counted and logged; the first one of an instance that has flush() is returned,
  // fit for the comment's error record ("plugin 'q': on_decision failed: ...; the
  // decision (quarantine) was not stored: send the comment again", or "may not be stored"
  // for a call abandoned past its budget, which may still store it): such a plugin stores
  // decisions (a quarantine store, an escalation spool), so the record must not be written
  // as if it had this one. Every instance is called even after a failure, so another
  // plugin may have stored the decision: a resent comment can be stored twice, never zero
  // times. A failure of an instance without flush() leaves the decision standing.
  [[nodiscard]] Status Act(const AbiView& view, Action action, double score, std::string_view record_json);

  // Calls flush() on every instance that has one and took an on_decision() call since
  // its last successful flush. Returns the first failure, naming the instance; every
  // instance is still flushed.
  Status Flush();

  // Counters (since the chain was built, read now) and names, for metrics and the run
  // summary.
  struct InstanceInfo {
    std::string_view name;
    std::string description;  // "pile_on 1.0.0 (ABI 1.0, /path)"
    PluginCallCounts counts;
  };
  std::vector<InstanceInfo> Instances() const;
  // Total failed calls of every kind across instances.
  uint64_t TotalErrors() const;

 private:
  struct Instance;
  // The calls whose failures are logged, each rate-limited on its own.
  enum class LoggedCall { kScore = 0, kOnDecision = 1, kFlush = 2 };
  static constexpr const char* kCallNames[] = {"score", "on_decision", "flush"};
  PluginChain() = default;
  void ReportError(Instance& inst, LoggedCall call, std::string_view message);

  std::vector<std::unique_ptr<Instance>> instances_;
  bool has_scorers_ = false;
  bool has_actors_ = false;
  Action min_act_action_ = Action::kEscalate;  // lowest act_min_action among actors
  bool scores_every_comment_ = false;
};

// One line per instance for the end-of-run summary:
// "plugin pile_on: 1200 score calls (0 failed), 0 on_decision calls (0 failed)".
std::string PluginSummary(const PluginChain& chain);

}  // namespace decorum
