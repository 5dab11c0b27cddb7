#include "serve/metrics.h"

#include <fmt/format.h>

#include <map>

namespace decorum::serve {
namespace {

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Escapes a label value: backslash, double quote and newline (exposition format 0.0.4).
std::string Label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void Header(std::string* out, const char* name, const char* type, const char* help) {
  fmt::format_to(std::back_inserter(*out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

const char* ErrorKindName(ErrorKind k) {
  switch (k) {
    case ErrorKind::kLineTooLong: return "line_too_long";
    case ErrorKind::kInvalidComment: return "invalid_comment";
    case ErrorKind::kHttpBadRequest: return "http_bad_request";
    case ErrorKind::kHttpBodyTooLarge: return "http_body_too_large";
    case ErrorKind::kConnectionRejected: return "connection_rejected";
    case ErrorKind::kIdleTimeout: return "idle_timeout";
    case ErrorKind::kClientGone: return "client_gone_mid_line";
    case ErrorKind::kNotDurable: return "not_durable";
  }
  return "unknown";
}

GenerationCounters::GenerationCounters(const Generation& gen)
    : rule_hits(gen.rules().rules.size()), target_hits(gen.rules().targets.size()) {
  for (const auto& r : gen.rules().rules) rule_ids.push_back(r.id);
  for (const auto& t : gen.rules().targets) target_ids.push_back(t.id);
}

LiveGeneration::LiveGeneration(std::shared_ptr<const Generation> g, uint64_t n,
                               std::shared_ptr<PluginChain> p)
    : gen(std::move(g)), plugins(std::move(p)), number(n), loaded_unix_seconds(UnixNow()),
      counters(std::make_shared<GenerationCounters>(*gen)) {}

std::optional<ErrorKind> BatchStats::CountLineError(bool too_long, uint64_t errors_before,
                                                   uint64_t not_stored_before) {
  if (run.errors == errors_before) return std::nullopt;
  const ErrorKind kind = too_long                           ? ErrorKind::kLineTooLong
                         : run.not_stored != not_stored_before ? ErrorKind::kNotDurable
                                                             : ErrorKind::kInvalidComment;
  ++errors[static_cast<int>(kind)];
  return kind;
}

void BatchStats::AddLatency(std::chrono::nanoseconds d) {
  const double s = std::chrono::duration<double>(d).count();
  size_t i = 0;
  while (i < kLatencyBounds.size() && s > kLatencyBounds[i]) ++i;
  ++latency[i];
  latency_ns += static_cast<uint64_t>(d.count());
  ++latency_count;
}

Metrics::Metrics() : start_unix_seconds_(UnixNow()) {}

void Metrics::Fold(const LiveGeneration& live, BatchStats* b) {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  for (int i = 0; i < kActionCount; ++i) {
    if (b->run.by_action[i]) actions_[i].fetch_add(b->run.by_action[i], kRelaxed);
  }
  for (int i = 0; i < kErrorKindCount; ++i) {
    if (b->errors[i]) errors_[i].fetch_add(b->errors[i], kRelaxed);
  }
  for (size_t i = 0; i < b->latency.size(); ++i) {
    if (b->latency[i]) latency_[i].fetch_add(b->latency[i], kRelaxed);
  }
  if (b->latency_count) {
    latency_ns_.fetch_add(b->latency_ns, kRelaxed);
    latency_count_.fetch_add(b->latency_count, kRelaxed);
  }
  auto& c = *live.counters;
  for (size_t i = 0; i < b->run.rule_hits.size() && i < c.rule_hits.size(); ++i) {
    if (b->run.rule_hits[i]) c.rule_hits[i].fetch_add(b->run.rule_hits[i], kRelaxed);
  }
  for (size_t i = 0; i < b->run.target_hits.size() && i < c.target_hits.size(); ++i) {
    if (b->run.target_hits[i]) c.target_hits[i].fetch_add(b->run.target_hits[i], kRelaxed);
  }
  // Keep the vectors' capacity: they are re-sized only when the generation changes.
  b->run.by_action = {};
  b->run.errors = b->run.not_stored = b->run.comments = b->run.input_bytes = 0;
  std::fill(b->run.rule_hits.begin(), b->run.rule_hits.end(), 0);
  std::fill(b->run.target_hits.begin(), b->run.target_hits.end(), 0);
  b->errors = {};
  b->latency = {};
  b->latency_ns = b->latency_count = 0;
}

void Metrics::ConnectionOpened(Conn c) {
  active_[static_cast<int>(c)].fetch_add(1, std::memory_order_relaxed);
  accepted_[static_cast<int>(c)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::ConnectionClosed(Conn c) {
  active_[static_cast<int>(c)].fetch_sub(1, std::memory_order_relaxed);
}

void Metrics::SetCurrent(std::shared_ptr<const LiveGeneration> live) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_.push_back(live->counters);
  current_ = std::move(live);
}

std::string Metrics::Render() const {
  std::string out;
  auto add = [&out](fmt::string_view f, const auto&... args) {
    fmt::vformat_to(std::back_inserter(out), f, fmt::make_format_args(args...));
  };
  constexpr auto kRelaxed = std::memory_order_relaxed;

  Header(&out, "decorum_comments_total", "counter", "Comments decided, by action (including decisions withheld after a failed plugin flush).");
  for (int i = 0; i < kActionCount; ++i) {
    add("decorum_comments_total{{action=\"{}\"}} {}\n", ActionName(static_cast<Action>(i)), actions_[i].load(kRelaxed));
  }
  Header(&out, "decorum_errors_total", "counter", "Error records and refused or dropped connections, by kind.");
  for (int i = 0; i < kErrorKindCount; ++i) {
    add("decorum_errors_total{{kind=\"{}\"}} {}\n", ErrorKindName(static_cast<ErrorKind>(i)), errors_[i].load(kRelaxed));
  }

  Header(&out, "decorum_decision_latency_seconds", "histogram",
         "Time from reading a comment to having its record ready.");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLatencyBounds.size(); ++i) {
    cumulative += latency_[i].load(kRelaxed);
    add("decorum_decision_latency_seconds_bucket{{le=\"{}\"}} {}\n", kLatencyBounds[i], cumulative);
  }
  cumulative += latency_[kLatencyBounds.size()].load(kRelaxed);
  add("decorum_decision_latency_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  add("decorum_decision_latency_seconds_sum {}\n", static_cast<double>(latency_ns_.load(kRelaxed)) / 1e9);
  add("decorum_decision_latency_seconds_count {}\n", cumulative);

  static const char* kConn[] = {"stream", "http"};
  Header(&out, "decorum_connections", "gauge", "Open client connections, by kind.");
  for (int i = 0; i < 2; ++i) add("decorum_connections{{kind=\"{}\"}} {}\n", kConn[i], active_[i].load(kRelaxed));
  Header(&out, "decorum_connections_accepted_total", "counter", "Client connections accepted, by kind.");
  for (int i = 0; i < 2; ++i) add("decorum_connections_accepted_total{{kind=\"{}\"}} {}\n", kConn[i], accepted_[i].load(kRelaxed));
  Header(&out, "decorum_backpressure_pauses_total", "counter",
         "Times a stream stopped reading because its client did not read its decisions.");
  add("decorum_backpressure_pauses_total {}\n", paused_.load(kRelaxed));
  Header(&out, "decorum_reloads_total", "counter", "Rule reloads, by result.");
  add("decorum_reloads_total{{result=\"ok\"}} {}\n", reloads_ok_.load(kRelaxed));
  add("decorum_reloads_total{{result=\"failed\"}} {}\n", reloads_failed_.load(kRelaxed));
  Header(&out, "decorum_start_time_seconds", "gauge", "Start time of the process, Unix seconds.");
  add("decorum_start_time_seconds {:.3f}\n", start_unix_seconds_);

  std::vector<std::shared_ptr<const GenerationCounters>> gens;
  std::shared_ptr<const LiveGeneration> cur;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gens = counters_;
    cur = current_;
  }
  if (cur) {
    Header(&out, "decorum_ruleset_info", "gauge", "The rule set being served (value 1).");
    add("decorum_ruleset_info{{ruleset=\"{}\",generation=\"{}\"}} 1\n", Label(cur->gen->id()), cur->number);
    Header(&out, "decorum_ruleset_rules", "gauge", "Enabled rules in the rule set being served.");
    add("decorum_ruleset_rules {}\n", cur->gen->rules().rules.size());
    Header(&out, "decorum_ruleset_patterns", "gauge", "Compiled patterns in the rule set being served.");
    add("decorum_ruleset_patterns {}\n", cur->gen->pattern_count());
    Header(&out, "decorum_ruleset_loaded_time_seconds", "gauge", "When the rule set being served went live, Unix seconds.");
    add("decorum_ruleset_loaded_time_seconds {:.3f}\n", cur->loaded_unix_seconds);
    if (cur->plugins) {
      // Per plugin instance of the chain being served; they restart at 0 with each
      // reload, which Prometheus' rate() treats as a counter reset.
      const auto instances = cur->plugins->Instances();
      using Counter = uint64_t PluginCallCounts::*;
      struct Call {
        const char* name;
        Counter calls, failures;
      };
      static constexpr Call kCalls[] = {
          {"score", &PluginCallCounts::score_calls, &PluginCallCounts::score_errors},
          {"on_decision", &PluginCallCounts::act_calls, &PluginCallCounts::act_errors},
          {"flush", &PluginCallCounts::flush_calls, &PluginCallCounts::flush_errors},
      };
      struct Family {
        const char* metric;
        const char* help;
        Counter Call::*counter;
      };
      static constexpr Family kFamilies[] = {
          {"decorum_plugin_calls_total", "Calls into plugins since the last (re)load, by instance and call.", &Call::calls},
          {"decorum_plugin_failures_total",
           "Plugin calls that failed (timeouts included) since the last (re)load; the comment was still decided.",
           &Call::failures},
      };
      for (const Family& f : kFamilies) {
        Header(&out, f.metric, "counter", f.help);
        for (const auto& i : instances) {
          for (const Call& c : kCalls) {
            add("{}{{plugin=\"{}\",call=\"{}\"}} {}\n", f.metric, Label(i.name), c.name,
                i.counts.*(c.*f.counter));
          }
        }
      }
      Header(&out, "decorum_plugin_timeouts_total", "counter",
             "Plugin calls abandoned past, or refused for, their call_timeout_ms budget.");
      for (const auto& i : instances) {
        add("decorum_plugin_timeouts_total{{plugin=\"{}\"}} {}\n", Label(i.name), i.counts.timeouts);
      }
    }
  }
  // Sum over every generation served so far, by rule/target id; the current generation's
  // rules appear even at zero.
  std::map<std::string, uint64_t> rules, targets;
  if (cur) {
    for (const auto& r : cur->gen->rules().rules) rules[r.id];
    for (const auto& t : cur->gen->rules().targets) targets[t.id];
  }
  for (const auto& g : gens) {
    for (size_t i = 0; i < g->rule_ids.size(); ++i) {
      const uint64_t n = g->rule_hits[i].load(kRelaxed);
      if (n) rules[g->rule_ids[i]] += n;
    }
    for (size_t i = 0; i < g->target_ids.size(); ++i) {
      const uint64_t n = g->target_hits[i].load(kRelaxed);
      if (n) targets[g->target_ids[i]] += n;
    }
  }
  Header(&out, "decorum_rule_hits_total", "counter", "Comments in which a rule counted, by rule id.");
  for (const auto& [id, n] : rules) add("decorum_rule_hits_total{{rule=\"{}\"}} {}\n", Label(id), n);
  Header(&out, "decorum_target_hits_total", "counter", "Comments mentioning a watched person, by target id.");
  for (const auto& [id, n] : targets) add("decorum_target_hits_total{{target=\"{}\"}} {}\n", Label(id), n);
  return out;
}

}  // namespace decorum::serve
