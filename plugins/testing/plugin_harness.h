// PluginHarness: loads a plugin .so the way the engine does (dlopen + entry symbol) and
// calls it through the C ABI only, so a plugin's tests exercise exactly what the engine
// will call. For plugin tests; not part of the SDK.
//
// Thread safety: Score()/OnDecision() may be called concurrently when the plugin allows
// it; each call builds its structs on the caller's stack.
#pragma once

#include <dlfcn.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "decorum/plugin.h"

namespace decorum::testing {

inline decorum_str Str(std::string_view s) { return decorum_str{s.data(), s.size()}; }

// A comment and its rule hits, owning their strings.
struct TestComment {
  std::string id = "c1";
  std::string text = "hello";
  std::string author;
  std::string thread;
  int64_t ts_ms = 0;
  bool has_ts = false;
  uint64_t line = 1;
  struct TestHit {
    std::string rule = "insult.test";
    std::string category = "insult";
    double score = 3;
    uint32_t begin = 0, end = 1;
    std::string target;  // empty: none
  };
  std::vector<TestHit> hits;
  std::vector<std::string> targets;  // watchlist ids mentioned
  double score = 0;                  // the rules' score; 0: sum of hit scores
  decorum_action action = DECORUM_ACTION_ALLOW;
  decorum_action rules_floor = DECORUM_ACTION_ALLOW;
};

struct TestScore {
  decorum_status status = DECORUM_OK;
  double delta = 0;
  decorum_action floor = DECORUM_ACTION_ALLOW;
  decorum_action ceiling = DECORUM_ACTION_ESCALATE;
  std::string reason;
  std::string labels;  // '\n'-separated
  std::string error;   // last_error() when status != OK
};

class PluginHarness {
 public:
  // Throws std::runtime_error when the library or its entry symbol cannot be loaded.
  explicit PluginHarness(const std::string& path) {
    handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) throw std::runtime_error(std::string("dlopen: ") + dlerror());
    auto entry = reinterpret_cast<decorum_plugin_entry_fn>(
        dlsym(handle_, DECORUM_PLUGIN_ENTRY_SYMBOL));
    if (!entry) throw std::runtime_error("no entry symbol in " + path);
    api_ = entry();
  }
  ~PluginHarness() {
    Destroy();
    if (handle_) dlclose(handle_);
  }
  PluginHarness(const PluginHarness&) = delete;
  PluginHarness& operator=(const PluginHarness&) = delete;

  const decorum_plugin_api& api() const { return *api_; }

  // Creates the instance; on failure returns false and sets *error.
  bool Create(std::string_view config_json, std::string* error = nullptr,
              std::string_view name = "test") {
    Destroy();
    char buf[1024] = {0};
    decorum_create_args args{};
    args.struct_size = sizeof(args);
    args.config_json = Str(config_json);
    args.instance_name = Str(name);
    args.error = buf;
    args.error_capacity = sizeof(buf);
    if (api_->create(&args, &self_) != DECORUM_OK) {
      self_ = nullptr;
      if (error) *error = buf;
      return false;
    }
    return true;
  }

  void Destroy() {
    if (!self_) return;
    if (api_->flush) api_->flush(self_);
    api_->destroy(self_);
    self_ = nullptr;
  }

  TestScore Score(const TestComment& c) {
    std::vector<decorum_hit> hits;
    std::vector<decorum_target> targets;
    decorum_comment comment = MakeComment(c);
    double total = Fill(c, &hits, &targets);
    decorum_score_input in{};
    in.struct_size = sizeof(in);
    in.comment = &comment;
    in.hits = hits.data();
    in.hit_count = hits.size();
    in.targets = targets.data();
    in.target_count = targets.size();
    in.score = c.score ? c.score : total;
    in.action = c.action;
    in.ruleset = Str("testruleset");
    in.rules_floor = c.rules_floor;
    char reason[512], labels[512];
    decorum_score_result out{};
    out.struct_size = sizeof(out);
    out.action_floor = DECORUM_ACTION_ALLOW;
    out.action_ceiling = DECORUM_ACTION_ESCALATE;
    out.reason = reason;
    out.reason_capacity = sizeof(reason);
    out.labels = labels;
    out.labels_capacity = sizeof(labels);
    TestScore r;
    r.status = api_->score(self_, &in, &out);
    if (r.status != DECORUM_OK) {
      r.error = api_->last_error(self_);
      return r;
    }
    r.delta = out.delta;
    r.floor = out.action_floor;
    r.ceiling = out.action_ceiling;
    r.reason.assign(reason, out.reason_len);
    r.labels.assign(labels, out.labels_len);
    return r;
  }

  // Calls on_decision with `action` as the final decision and `record_json` as the record.
  decorum_status OnDecision(const TestComment& c, decorum_action action, double score,
                            std::string_view record_json, std::string* error = nullptr) {
    std::vector<decorum_hit> hits;
    std::vector<decorum_target> targets;
    decorum_comment comment = MakeComment(c);
    Fill(c, &hits, &targets);
    decorum_decision d{};
    d.struct_size = sizeof(d);
    d.comment = &comment;
    d.action = action;
    d.score = score;
    d.hits = hits.data();
    d.hit_count = hits.size();
    d.targets = targets.data();
    d.target_count = targets.size();
    d.ruleset = Str("testruleset");
    d.record_json = Str(record_json);
    decorum_status s = api_->on_decision(self_, &d);
    if (s != DECORUM_OK && error) *error = api_->last_error(self_);
    return s;
  }

  decorum_status Flush(std::string* error = nullptr) {
    if (!api_->flush) return DECORUM_OK;
    decorum_status s = api_->flush(self_);
    if (s != DECORUM_OK && error) *error = api_->last_error(self_);
    return s;
  }

 private:
  static decorum_comment MakeComment(const TestComment& c) {
    decorum_comment comment{};
    comment.struct_size = sizeof(comment);
    comment.id = Str(c.id);
    comment.text = Str(c.text);
    comment.author = Str(c.author);
    comment.thread = Str(c.thread);
    comment.ts_ms = c.ts_ms;
    comment.has_ts = c.has_ts ? 1 : 0;
    comment.line = c.line;
    return comment;
  }
  static double Fill(const TestComment& c, std::vector<decorum_hit>* hits,
                     std::vector<decorum_target>* targets) {
    double total = 0;
    for (const auto& h : c.hits) {
      decorum_hit x{};
      x.struct_size = sizeof(x);
      x.rule = Str(h.rule);
      x.category = Str(h.category);
      x.score = h.score;
      x.span = {h.begin, h.end};
      x.target = Str(h.target);
      hits->push_back(x);
      total += h.score;
    }
    for (const auto& t : c.targets) {
      decorum_target x{};
      x.struct_size = sizeof(x);
      x.id = Str(t);
      targets->push_back(x);
    }
    return total;
  }

  void* handle_ = nullptr;
  const decorum_plugin_api* api_ = nullptr;
  decorum_plugin* self_ = nullptr;
};

}  // namespace decorum::testing
