#include "plugin_host/plugin_chain.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

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

struct PluginChain::Instance {
  std::string name;
  std::shared_ptr<PluginLibrary> library;
  const decorum_plugin_api* api = nullptr;
  decorum_plugin* self = nullptr;
  std::unique_ptr<std::mutex> serial;  // set for DECORUM_CAP_SERIAL
  PluginCounters counters;
  std::atomic<uint64_t> acted_since_flush{0};
  // Error log rate limit.
  std::atomic<int64_t> next_log_ms{0};
  std::atomic<uint64_t> suppressed{0};

  // Runs `call` under the serial mutex when the plugin asked for one.
  template <typename F>
  decorum_status Call(F&& call) {
    if (serial) {
      std::lock_guard<std::mutex> lock(*serial);
      return call();
    }
    return call();
  }
  std::string LastError() {
    const char* e = api->last_error(self);
    return (e && *e) ? std::string(e) : std::string("failed without a message");
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
    chain->has_actors_ |= inst->api->on_decision != nullptr;
    chain->scores_every_comment_ |= inst->api->score && !inst->api->score_only_with_hits;
    spdlog::info("plugin '{}': loaded {}", inst->name, inst->library->Describe());
    chain->instances_.push_back(std::move(inst));
  }
  return chain;
}

PluginChain::~PluginChain() {
  for (auto it = instances_.rbegin(); it != instances_.rend(); ++it) {
    Instance& inst = **it;
    if (inst.api->flush && inst.Call([&] { return inst.api->flush(inst.self); }) != DECORUM_OK) {
      spdlog::error("plugin '{}': final flush failed: {}", inst.name, inst.LastError());
    }
    inst.api->destroy(inst.self);
    inst.self = nullptr;
  }
  // Instances (and with them the last library references) go after every destroy().
  instances_.clear();
}

void PluginChain::ReportError(Instance& inst, const char* call, std::string_view message) {
  const int64_t now = NowMs();
  int64_t next = inst.next_log_ms.load(std::memory_order_relaxed);
  if (now < next || !inst.next_log_ms.compare_exchange_strong(next, now + 1000)) {
    inst.suppressed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const uint64_t more = inst.suppressed.exchange(0, std::memory_order_relaxed);
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
  for (auto& p : instances_) {
    Instance& inst = *p;
    if (!inst.api->score || (inst.api->score_only_with_hits && !has_hits)) continue;
    decorum_score_input in{};
    in.struct_size = sizeof(in);
    in.comment = view.comment();
    in.hits = view.hits();
    in.hit_count = view.hit_count();
    in.targets = view.targets();
    in.target_count = view.target_count();
    in.score = rules_score;
    in.action = AbiAction(rules_action);
    in.ruleset = view.ruleset();
    in.rules_floor = AbiAction(rules_floor);
    char reason[kReasonCapacity];
    char labels[kLabelsCapacity];
    decorum_score_result out{};
    out.struct_size = sizeof(out);
    out.action_floor = DECORUM_ACTION_ALLOW;
    out.action_ceiling = DECORUM_ACTION_ESCALATE;
    out.reason = reason;
    out.reason_capacity = sizeof(reason);
    out.labels = labels;
    out.labels_capacity = sizeof(labels);
    inst.counters.score_calls.fetch_add(1, std::memory_order_relaxed);
    const decorum_status st = inst.Call([&] { return inst.api->score(inst.self, &in, &out); });
    PluginResult r;
    r.name = inst.name;
    if (st != DECORUM_OK) {
      inst.counters.score_errors.fetch_add(1, std::memory_order_relaxed);
      r.error = inst.LastError();
      ReportError(inst, "score", r.error);
      decision->plugins.push_back(std::move(r));
      continue;
    }
    // Out-of-range values from a buggy plugin are clamped, not trusted.
    r.delta = std::isfinite(out.delta) ? out.delta : 0;
    r.floor = EngineAction(out.action_floor);
    r.ceiling = EngineAction(out.action_ceiling);
    r.reason.assign(reason, std::min(out.reason_len, sizeof(reason)));
    r.labels.assign(labels, std::min(out.labels_len, sizeof(labels)));
    adj.delta += r.delta;
    adj.floor = std::max(adj.floor, r.floor);
    adj.ceiling = std::min(adj.ceiling, r.ceiling);
    if (r.Reportable()) decision->plugins.push_back(std::move(r));
  }
  return adj;
}

void PluginChain::Act(const AbiView& view, Action action, double score,
                      std::string_view record_json) {
  decorum_decision d{};
  d.struct_size = sizeof(d);
  d.comment = view.comment();
  d.action = AbiAction(action);
  d.score = score;
  d.hits = view.hits();
  d.hit_count = view.hit_count();
  d.targets = view.targets();
  d.target_count = view.target_count();
  d.ruleset = view.ruleset();
  d.record_json = AbiStr(record_json);
  for (auto& p : instances_) {
    Instance& inst = *p;
    if (!inst.api->on_decision || d.action < inst.api->act_min_action) continue;
    inst.counters.act_calls.fetch_add(1, std::memory_order_relaxed);
    const decorum_status st = inst.Call([&] { return inst.api->on_decision(inst.self, &d); });
    if (st != DECORUM_OK) {
      inst.counters.act_errors.fetch_add(1, std::memory_order_relaxed);
      ReportError(inst, "on_decision", inst.LastError());
    }
    inst.acted_since_flush.fetch_add(1, std::memory_order_release);
  }
}

Status PluginChain::Flush() {
  Status first;
  for (auto& p : instances_) {
    Instance& inst = *p;
    if (!inst.api->flush) continue;
    const uint64_t acted = inst.acted_since_flush.load(std::memory_order_acquire);
    if (acted == 0) continue;
    inst.counters.flush_calls.fetch_add(1, std::memory_order_relaxed);
    const decorum_status st = inst.Call([&] { return inst.api->flush(inst.self); });
    if (st != DECORUM_OK) {
      inst.counters.flush_errors.fetch_add(1, std::memory_order_relaxed);
      std::string message = inst.LastError();
      ReportError(inst, "flush", message);
      if (first.ok()) first = Status::IoError("plugin '" + inst.name + "': flush failed: " + message);
      continue;
    }
    // Only what was counted before this flush began is known to be durable now.
    inst.acted_since_flush.fetch_sub(acted, std::memory_order_acq_rel);
  }
  return first;
}

std::vector<PluginChain::InstanceInfo> PluginChain::Instances() const {
  std::vector<InstanceInfo> out;
  for (const auto& p : instances_) out.push_back({p->name, p->library->Describe(), &p->counters});
  return out;
}

uint64_t PluginChain::TotalErrors() const {
  uint64_t n = 0;
  for (const auto& p : instances_) {
    n += p->counters.score_errors.load() + p->counters.act_errors.load() +
         p->counters.flush_errors.load();
  }
  return n;
}

std::string PluginSummary(const PluginChain& chain) {
  std::string out;
  for (const auto& i : chain.Instances()) {
    const PluginCounters& c = *i.counters;
    out += "plugin " + std::string(i.name) + ": " + std::to_string(c.score_calls.load()) +
           " score calls (" + std::to_string(c.score_errors.load()) + " failed), " +
           std::to_string(c.act_calls.load()) + " on_decision calls (" +
           std::to_string(c.act_errors.load()) + " failed), " +
           std::to_string(c.flush_calls.load()) + " flushes (" +
           std::to_string(c.flush_errors.load()) + " failed)\n";
  }
  return out;
}

}  // namespace decorum
