#include "plugin_host/plugin_chain.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>

namespace decorum {
namespace {

// Engine-owned output buffers for score(); longer text is the plugin's to truncate.
constexpr size_t kReasonCapacity = 512;
constexpr size_t kLabelsCapacity = 256;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// The outcome of one call into a plugin: ok, or why not.
struct CallResult {
  bool ok = false;
  std::string error;
  // The call overran its budget and was abandoned, still running: whatever it does
  // (store a decision, say) may yet happen.
  bool abandoned = false;
};

// What one score() call reads and writes. On the stack for inline calls; shared with the
// executor, and pointing into its own snapshot, for calls with a budget.
struct ScoreCall {
  ScoreCall(const AbiArgs& args, double rules_score, Action rules_action, Action rules_floor) {
    in.struct_size = sizeof(in);
    in.comment = args.comment;
    in.hits = args.hits;
    in.hit_count = args.hit_count;
    in.targets = args.targets;
    in.target_count = args.target_count;
    in.score = rules_score;
    in.action = AbiAction(rules_action);
    in.ruleset = args.ruleset;
    in.rules_floor = AbiAction(rules_floor);
    out.struct_size = sizeof(out);
    out.action_floor = DECORUM_ACTION_ALLOW;
    out.action_ceiling = DECORUM_ACTION_ESCALATE;
    out.reason = reason;
    out.reason_capacity = sizeof(reason);
    out.labels = labels;
    out.labels_capacity = sizeof(labels);
  }
  decorum_score_input in{};
  decorum_score_result out{};
  char reason[kReasonCapacity];
  char labels[kLabelsCapacity];
};

// What one on_decision() call reads.
struct ActCall {
  ActCall(const AbiArgs& args, Action action, double score, std::string_view record_json) {
    d.struct_size = sizeof(d);
    d.comment = args.comment;
    d.action = AbiAction(action);
    d.score = score;
    d.hits = args.hits;
    d.hit_count = args.hit_count;
    d.targets = args.targets;
    d.target_count = args.target_count;
    d.ruleset = args.ruleset;
    d.record_json = AbiStr(record_json);
  }
  decorum_decision d{};
};

struct PluginChain::Instance {
  std::string name;
  std::shared_ptr<PluginLibrary> library;
  const decorum_plugin_api* api = nullptr;
  decorum_plugin* self = nullptr;
  std::unique_ptr<std::mutex> serial;  // set for DECORUM_CAP_SERIAL
  std::unique_ptr<CallBudget> budget;  // set when call_timeout_ms is configured
  CallCounters counters;
  // The kActsDone count the last successful flush covered; only Flush() writes it.
  std::atomic<uint64_t> flushed_acts{0};
  // Error log rate limit, one per call (kCallNames): a score() failing on every comment
  // must not hide the one flush() failure that explains why a stream was closed.
  struct LogLimit {
    std::atomic<int64_t> next_ms{0};
    std::atomic<uint64_t> suppressed{0};
  };
  std::array<LogLimit, 3> log_limits;

  // Calls `call` (a decorum_status() that reads only what it owns or shares), under the
  // serial mutex when the plugin asked for one, through the budget when it has one. The
  // error message is read on the thread that made the failing call, as plugin.h requires.
  template <typename F>
  CallResult Invoke(F call) {
    auto run = [api = api, self = self, serial = serial.get(), call](CallResult* r) {
      std::unique_lock<std::mutex> lock;
      if (serial) lock = std::unique_lock<std::mutex>(*serial);
      if (call() == DECORUM_OK) {
        r->ok = true;
        return;
      }
      const char* e = api->last_error(self);
      r->error = (e && *e) ? e : "failed without a message";
    };
    if (!budget) {
      CallResult r;
      run(&r);
      return r;
    }
    auto shared = std::make_shared<CallResult>();
    const CallBudget::Outcome outcome = budget->Run([run, shared] { run(shared.get()); });
    if (outcome == CallBudget::Outcome::kDone) return *shared;
    counters.Add(PluginCall::kTimeouts);
    const std::string ms = std::to_string(budget->budget().count());
    if (outcome == CallBudget::Outcome::kTimedOut) {
      return {false, "timed out after " + ms + " ms (call_timeout_ms)", true};
    }
    return {false, "skipped: an earlier call is still running past its " + ms + " ms budget"};
  }
};

Result<std::shared_ptr<PluginChain>> PluginChain::Create(const std::vector<PluginSpec>& specs) {
  std::shared_ptr<PluginChain> chain(new PluginChain());
  for (const PluginSpec& spec : specs) {
    const std::string who = "plugin '" + spec.name + "': ";
    auto lib = PluginLibrary::Open(spec.path);
    if (!lib.ok()) return Status::InvalidArgument(who + lib.status().message());
    auto inst = std::make_unique<Instance>();
    inst->name = spec.name;
    inst->library = lib.value();
    if (spec.call_timeout_ms > 0) {
      inst->budget = std::make_unique<CallBudget>(std::chrono::milliseconds(spec.call_timeout_ms));
    }
    inst->api = &inst->library->api();
    if (inst->api->capabilities & DECORUM_CAP_SERIAL) inst->serial = std::make_unique<std::mutex>();

    char error[1024] = {0};
    decorum_create_args args{};
    args.struct_size = sizeof(args);
    args.config_json = AbiStr(spec.config_json);
    args.instance_name = AbiStr(inst->name);
    args.error = error;
    args.error_capacity = sizeof(error);
    decorum_plugin* self = nullptr;
    if (inst->api->create(&args, &self) != DECORUM_OK) {
      error[sizeof(error) - 1] = '\0';
      return Status::InvalidArgument(who + "create failed: " +
                                     (*error ? std::string(error) : std::string("no message given")));
    }
    if (!self) return Status::InvalidArgument(who + "create returned OK but no instance");
    inst->self = self;
    chain->has_scorers_ |= inst->api->score != nullptr;
    if (inst->api->on_decision) {
      chain->has_actors_ = true;
      chain->min_act_action_ = std::min(chain->min_act_action_, EngineAction(inst->api->act_min_action));
    }
    chain->scores_every_comment_ |= inst->api->score && !inst->api->score_only_with_hits;
    spdlog::info("plugin '{}': loaded {}", inst->name, inst->library->Describe());
    chain->instances_.push_back(std::move(inst));
  }
  return chain;
}

PluginChain::~PluginChain() {
  for (auto it = instances_.rbegin(); it != instances_.rend(); ++it) {
    Instance& inst = **it;
    if (inst.budget && inst.budget->stuck()) {
      // A call is still running inside the plugin: destroying the instance or unloading
      // the library under it would crash. Leak both (and the executor) instead.
      spdlog::error("plugin '{}': a call is still running past its budget; not destroying it",
                    inst.name);
      (void)inst.budget.release();
      new std::shared_ptr<PluginLibrary>(inst.library);  // keeps the library loaded
      continue;
    }
    if (inst.api->flush) {
      CallResult r = inst.Invoke([&inst] { return inst.api->flush(inst.self); });
      if (!r.ok) spdlog::error("plugin '{}': final flush failed: {}", inst.name, r.error);
    }
    inst.budget.reset();  // joins the executor: nothing runs in the plugin any more
    inst.api->destroy(inst.self);
    inst.self = nullptr;
    spdlog::info("plugin '{}': closed", inst.name);
  }
  // Instances (and with them the last library references) go after every destroy().
  instances_.clear();
}

void PluginChain::ReportError(Instance& inst, LoggedCall call_kind, std::string_view message) {
  const char* call = kCallNames[static_cast<int>(call_kind)];
  Instance::LogLimit& limit = inst.log_limits[static_cast<int>(call_kind)];
  const int64_t now = NowMs();
  int64_t next = limit.next_ms.load(std::memory_order_relaxed);
  if (now < next || !limit.next_ms.compare_exchange_strong(next, now + 1000)) {
    limit.suppressed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const uint64_t more = limit.suppressed.exchange(0, std::memory_order_relaxed);
  if (more) {
    spdlog::warn("plugin '{}': {} failed: {} ({} more failures in the last second not shown)",
                 inst.name, call, message, more);
  } else {
    spdlog::warn("plugin '{}': {} failed: {}", inst.name, call, message);
  }
}

PluginAdjustment PluginChain::Score(const AbiView& view, double rules_score, Action rules_action,
                                    Action rules_floor, Decision* decision) {
  PluginAdjustment adj;
  const bool has_hits = view.hit_count() > 0;
  std::shared_ptr<AbiSnapshot> snapshot;  // made once, for the first plugin with a budget
  for (auto& p : instances_) {
    Instance& inst = *p;
    if (!inst.api->score || (inst.api->score_only_with_hits && !has_hits)) continue;
    inst.counters.Add(PluginCall::kScoreCalls);
    std::shared_ptr<ScoreCall> owned;
    std::optional<ScoreCall> local;
    ScoreCall* call;
    CallResult result;
    const decorum_plugin_api* api = inst.api;
    decorum_plugin* self = inst.self;
    if (inst.budget) {
      if (!snapshot) snapshot = std::make_shared<AbiSnapshot>(view.args());
      owned = std::make_shared<ScoreCall>(snapshot->args(), rules_score, rules_action, rules_floor);
      call = owned.get();
      result = inst.Invoke([api, self, owned, snapshot] { return api->score(self, &owned->in, &owned->out); });
    } else {
      call = &local.emplace(view.args(), rules_score, rules_action, rules_floor);
      result = inst.Invoke([api, self, call] { return api->score(self, &call->in, &call->out); });
    }
    PluginResult r;
    r.name = inst.name;
    if (!result.ok) {
      inst.counters.Add(PluginCall::kScoreErrors);
      r.error = std::move(result.error);
      ReportError(inst, LoggedCall::kScore, r.error);
      decision->plugins.push_back(std::move(r));
      continue;
    }
    const decorum_score_result& out = call->out;
    // Out-of-range values from a buggy plugin are clamped, not trusted.
    r.delta = std::isfinite(out.delta) ? out.delta : 0;
    r.floor = EngineAction(out.action_floor);
    r.ceiling = EngineAction(out.action_ceiling);
    r.reason.assign(call->reason, std::min(out.reason_len, sizeof(call->reason)));
    r.labels.assign(call->labels, std::min(out.labels_len, sizeof(call->labels)));
    adj.delta += r.delta;
    adj.floor = std::max(adj.floor, r.floor);
    adj.ceiling = std::min(adj.ceiling, r.ceiling);
    if (r.Reportable()) decision->plugins.push_back(std::move(r));
  }
  return adj;
}

Status PluginChain::Act(const AbiView& view, Action action, double score,
                        std::string_view record_json) {
  Status first;
  std::optional<ActCall> local;
  std::shared_ptr<AbiSnapshot> snapshot;
  std::shared_ptr<ActCall> owned;
  for (auto& p : instances_) {
    Instance& inst = *p;
    if (!inst.api->on_decision || AbiAction(action) < inst.api->act_min_action) continue;
    inst.counters.Add(PluginCall::kActCalls);
    const decorum_plugin_api* api = inst.api;
    decorum_plugin* self = inst.self;
    CallResult result;
    if (inst.budget) {
      if (!owned) {
        snapshot = std::make_shared<AbiSnapshot>(view.args(), record_json);
        owned = std::make_shared<ActCall>(snapshot->args(), action, score,
                                          std::string_view(snapshot->extra().data ? snapshot->extra().data : "", snapshot->extra().len));
      }
      result = inst.Invoke([api, self, owned, snapshot] { return api->on_decision(self, &owned->d); });
    } else {
      if (!local) local.emplace(view.args(), action, score, record_json);
      const ActCall* call = &*local;
      result = inst.Invoke([api, self, call] { return api->on_decision(self, &call->d); });
    }
    if (!result.ok) {
      inst.counters.Add(PluginCall::kActErrors);
      ReportError(inst, LoggedCall::kOnDecision, result.error);
      if (inst.api->flush && first.ok()) {
        // An abandoned call may still store the decision: the client is told so, since
        // resending may then store the comment twice (at least once, never zero times).
        first = Status::IoError("plugin '" + inst.name + "': on_decision failed: " + result.error +
                                "; the decision (" + std::string(ActionName(action)) + ") " +
                                (result.abandoned ? "may not be stored" : "was not stored") +
                                ": send the comment again");
      }
    }
    inst.counters.Add(PluginCall::kActsDone);
  }
  return first;
}

Status PluginChain::Flush() {
  Status first;
  for (auto& p : instances_) {
    Instance& inst = *p;
    if (!inst.api->flush) continue;
    // Every call counted in `acted` returned before this flush begins (Add is a release,
    // Get an acquire), so a successful flush makes at least those durable.
    const uint64_t acted = inst.counters.Get(PluginCall::kActsDone);
    uint64_t flushed = inst.flushed_acts.load(std::memory_order_relaxed);
    if (acted <= flushed) continue;
    inst.counters.Add(PluginCall::kFlushCalls);
    const decorum_plugin_api* api = inst.api;
    decorum_plugin* self = inst.self;
    CallResult result = inst.Invoke([api, self] { return api->flush(self); });
    if (!result.ok) {
      inst.counters.Add(PluginCall::kFlushErrors);
      std::string message = std::move(result.error);
      ReportError(inst, LoggedCall::kFlush, message);
      if (first.ok()) first = Status::IoError("plugin '" + inst.name + "': flush failed: " + message);
      continue;
    }
    // Only what was counted before this flush began is known to be durable now. Flushes
    // may run concurrently: the mark only moves forward.
    while (flushed < acted &&
           !inst.flushed_acts.compare_exchange_weak(flushed, acted, std::memory_order_relaxed)) {
    }
  }
  return first;
}

std::vector<PluginChain::InstanceInfo> PluginChain::Instances() const {
  std::vector<InstanceInfo> out;
  for (const auto& p : instances_) out.push_back({p->name, p->library->Describe(), p->counters.Read()});
  return out;
}

uint64_t PluginChain::TotalErrors() const {
  uint64_t n = 0;
  for (const auto& p : instances_) {
    n += p->counters.Get(PluginCall::kScoreErrors) + p->counters.Get(PluginCall::kActErrors) +
         p->counters.Get(PluginCall::kFlushErrors);
  }
  return n;
}

std::string PluginSummary(const PluginChain& chain) {
  std::string out;
  for (const auto& i : chain.Instances()) {
    const PluginCallCounts& c = i.counts;
    out += "plugin " + std::string(i.name) + ": " + std::to_string(c.score_calls) +
           " score calls (" + std::to_string(c.score_errors) + " failed), " +
           std::to_string(c.act_calls) + " on_decision calls (" +
           std::to_string(c.act_errors) + " failed), " + std::to_string(c.flush_calls) +
           " flushes (" + std::to_string(c.flush_errors) + " failed)\n";
  }
  return out;
}

}  // namespace decorum
